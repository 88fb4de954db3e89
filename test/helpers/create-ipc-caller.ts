// The parent side of the IPC procedures a child serves with `serveIpcCalls`: numbered `call`
// messages, each settled by its `reply`, all rejected (with the child's output) when it exits.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import type { ChildProcess } from 'node:child_process';
import type { IpcMessage } from './serve-ipc-calls.ts';

/** Calls a child's procedures. */
export type IpcCaller = <T>(procedure: string, args?: unknown) => Promise<T>;

/**
 * A caller for the procedures of `child` (started with an IPC channel). `name` and `output` (what
 * the child wrote) go into the errors of calls that fail or that the child does not live to answer.
 */
export function createIpcCaller(
  child: ChildProcess,
  name: string,
  output: () => string,
): IpcCaller {
  let nextId = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  child.on('message', (message: IpcMessage) => {
    if (message.type !== 'reply') return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(`${name}: ${message.error}`));
    else waiter?.resolve(message.value);
  });
  child.once('exit', () => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`${name} exited. Output:\n${output()}`));
    pending.clear();
  });
  return <T>(procedure: string, args?: unknown) =>
    new Promise<T>((resolve, reject) => {
      if (!child.connected) {
        reject(new Error(`${name} has no IPC channel (exited?). Output:\n${output()}`));
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ type: 'call', id, name: procedure, args } satisfies IpcMessage);
    });
}
