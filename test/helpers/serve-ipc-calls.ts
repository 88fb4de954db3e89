// The child side of the IPC channel of `startNodeProcess(…, { ready: 'ipc' })`: the child says it
// is ready, answers named procedures the parent calls, and stops on SIGTERM (or when the parent
// goes away), so the parent can drive a process it measures from outside its event loop.
// Plain erasable TypeScript: Node runs it directly (type stripping).

/** A message on the channel. */
export type IpcMessage =
  | { type: 'ready'; pid: number; [info: string]: unknown }
  | { type: 'call'; id: number; name: string; args: unknown }
  | { type: 'reply'; id: number; value?: unknown; error?: string };

/** Procedures a child offers: each takes the call's arguments and returns (or resolves) a value. */
export type IpcCalls = Record<string, (args: never) => unknown>;

/** Options of {@link serveIpcCalls}. */
export interface ServeIpcCallsOptions {
  /** The procedures the parent may call. Defaults to none. */
  calls?: IpcCalls;
  /** Runs on SIGTERM before the process exits 0 (close servers, end streams). Defaults to nothing. */
  onStop?: () => Promise<void> | void;
}

/**
 * Answers the parent's `call` messages with `reply` messages (the value, or the error's stack),
 * exits 0 on SIGTERM after `onStop`, and exits when the channel closes, so a child never outlives
 * a parent that crashed. Throws when the process has no IPC channel.
 */
export function serveIpcCalls(options: ServeIpcCallsOptions = {}): void {
  if (!process.send)
    throw new Error('start me with an IPC channel (startNodeProcess, ready: ipc).');
  const reply = (message: IpcMessage) => process.send?.(message);
  process.on('message', async (message: IpcMessage) => {
    if (message.type !== 'call') return;
    const handler = options.calls?.[message.name];
    try {
      if (!handler) throw new Error(`no procedure "${message.name}"`);
      reply({ type: 'reply', id: message.id, value: await handler(message.args as never) });
    } catch (error) {
      reply({ type: 'reply', id: message.id, error: (error as Error).stack ?? String(error) });
    }
  });
  process.once('SIGTERM', async () => {
    await options.onStop?.();
    process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));
}

/** Tells the parent the child is ready, with what it needs to know (port, url…). */
export function reportReady(info: Record<string, unknown> = {}): void {
  process.send?.({ type: 'ready', pid: process.pid, ...info } satisfies IpcMessage);
}
