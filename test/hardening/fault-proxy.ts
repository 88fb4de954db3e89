// A small TCP fault proxy on node:net, placed between the client and the server or between the
// server and the model upstream: per connection and per direction it passes bytes through, delays
// them, slices them into 1-byte writes, goes silent after k bytes, or resets after k bytes.
// Plain erasable TypeScript: Node runs it directly as well as vitest.

import { createServer, type Server, Socket } from 'node:net';

/** What happens to the bytes of one direction of one connection. */
export type FaultAction =
  /** Forwarded as they come. */
  | { kind: 'pass' }
  /** Each chunk forwarded `ms` after it arrived (order kept). */
  | { kind: 'delay'; ms: number }
  /** Forwarded one byte per write, each write on its own event-loop turn. */
  | { kind: 'slice' }
  /** The first `afterBytes` bytes forwarded, then nothing, with both sockets left open. */
  | { kind: 'silent'; afterBytes: number }
  /** The first `afterBytes` bytes forwarded, then both sockets reset (RST, not a clean close). */
  | { kind: 'reset'; afterBytes: number };

/** The faults of one connection: towards the target (requests) and towards the client (responses). */
export interface FaultPlan {
  /** Client → target. Defaults to pass. */
  toTarget?: FaultAction;
  /** Target → client. Defaults to pass. */
  toClient?: FaultAction;
}

/** Picks the plan of each new connection (0-based in accept order). */
export type FaultPlanFunction = (index: number) => FaultPlan;

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Where connections go: `http://host:port/…` (only host and port are used) or `{ host, port }`. */
  target: string | { host: string; port: number };
  /** The plan of every connection, or a function picking one per connection. Defaults to pass. */
  plan?: FaultPlan | FaultPlanFunction;
}

/** What the proxy did so far. */
export interface FaultProxyStats {
  /** Connections accepted. */
  connections: number;
  /** Connections currently open. */
  open: number;
  /** Connections reset by a `reset` action. */
  resets: number;
  /** Directions that went silent. */
  silenced: number;
  /** Writes made by `slice` actions (one per byte). */
  slicedWrites: number;
}

/** A running proxy. */
export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's (path and query kept). */
  rewrite(url: string): string;
  /** Replaces the plan for connections accepted from now on. */
  setPlan(plan: FaultPlan | FaultPlanFunction): void;
  /**
   * Closes every open connection, so that clients which pool connections (undici, the openai
   * client) open new ones under the current plan.
   */
  dropConnections(): void;
  readonly stats: Readonly<FaultProxyStats>;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target =
    typeof options.target === 'string'
      ? (() => {
          const url = new URL(options.target);
          return {
            host: url.hostname,
            port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
          };
        })()
      : options.target;
  let plan: FaultPlanFunction = toFunction(options.plan ?? {});
  const stats: FaultProxyStats = {
    connections: 0,
    open: 0,
    resets: 0,
    silenced: 0,
    slicedWrites: 0,
  };
  const sockets = new Set<Socket>();

  const server: Server = createServer((client) => {
    const index = stats.connections++;
    stats.open++;
    const { toTarget = PASS, toClient = PASS } = plan(index);
    const upstream = new Socket();
    let open = 2;
    let resetDone = false;
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      // Resets and vanished peers surface as errors; 'close' below tears the other side down.
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        if (--open === 0) stats.open--;
      });
    }
    // A client that is gone takes its upstream connection with it (as the kernel's RST would
    // tell a directly connected server); an upstream that closed cleanly lets the bytes still
    // queued for the client go out first (the toClient pump then ends the client).
    client.on('close', () => upstream.destroy());
    upstream.on('close', (hadError) => {
      if (hadError) client.destroy();
    });
    const reset = () => {
      if (resetDone) return;
      resetDone = true;
      stats.resets++;
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    };
    client.pause();
    upstream.connect(target.port, target.host, () => {
      pump(client, upstream, toTarget, stats, reset);
      pump(upstream, client, toClient, stats, reset);
      client.resume();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fault proxy: no port');
  const host = '127.0.0.1';
  const port = address.port;
  return {
    host,
    port,
    rewrite(url) {
      const rewritten = new URL(url);
      rewritten.hostname = host;
      rewritten.port = String(port);
      return rewritten.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
    },
    setPlan(next) {
      plan = toFunction(next);
    },
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    stats,
    close() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const PASS: FaultAction = { kind: 'pass' };

function toFunction(plan: FaultPlan | FaultPlanFunction): FaultPlanFunction {
  return typeof plan === 'function' ? plan : () => plan;
}

/** Moves bytes from `from` to `to` under `action`, with backpressure. */
function pump(
  from: Socket,
  to: Socket,
  action: FaultAction,
  stats: FaultProxyStats,
  reset: () => void,
): void {
  /** Bytes accepted but not yet written (delayed or sliced). */
  let pending = 0;
  let ended = false;
  let silenced = false;
  const endIfDone = () => {
    if (ended && pending === 0 && !silenced && !to.destroyed) to.end();
  };
  const write = (bytes: Buffer, then?: () => void) => {
    if (to.destroyed) return;
    if (!to.write(bytes, then ? () => then() : undefined)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  };
  from.on('end', () => {
    ended = true;
    endIfDone();
  });

  switch (action.kind) {
    case 'pass':
      from.on('data', (chunk: Buffer) => write(chunk));
      return;
    case 'delay':
      from.on('data', (chunk: Buffer) => {
        pending += chunk.length;
        setTimeout(() => {
          pending -= chunk.length;
          write(chunk);
          endIfDone();
        }, action.ms);
      });
      return;
    case 'slice': {
      const queue: number[] = [];
      let head = 0;
      let draining = false;
      const drainOne = () => {
        if (to.destroyed) return;
        if (head === queue.length) {
          queue.length = 0;
          head = 0;
          draining = false;
          from.resume();
          endIfDone();
          return;
        }
        stats.slicedWrites++;
        to.write(Buffer.of(queue[head++] as number));
        pending = queue.length - head;
        setImmediate(drainOne);
      };
      from.on('data', (chunk: Buffer) => {
        for (const byte of chunk) queue.push(byte);
        pending = queue.length - head;
        // Reading on while thousands of single bytes wait would only grow the queue.
        if (pending > 64 * 1024) from.pause();
        if (!draining) {
          draining = true;
          setImmediate(drainOne);
        }
      });
      return;
    }
    case 'silent':
    case 'reset': {
      let forwarded = 0;
      const limitReached = () => {
        if (action.kind === 'silent') {
          // Bytes keep arriving and are dropped; the peer sees an open, quiet connection.
          silenced = true;
          stats.silenced++;
        }
      };
      if (action.afterBytes === 0) {
        if (action.kind === 'reset') setImmediate(reset);
        else limitReached();
      }
      from.on('data', (chunk: Buffer) => {
        const room = action.afterBytes - forwarded;
        if (room <= 0) return;
        const part = room >= chunk.length ? chunk : chunk.subarray(0, room);
        forwarded += part.length;
        if (forwarded < action.afterBytes) {
          write(part);
        } else if (action.kind === 'silent') {
          write(part);
          limitReached();
        } else {
          // Reset once the last allowed bytes are handed to the kernel, so they go out first.
          write(part, () => setTimeout(reset, 5));
        }
      });
      return;
    }
  }
}
