// Runs the fake upstream as its own process for end-to-end tests and benchmarks:
//   node test/fake-upstream/cli.ts --port 0 [--host 127.0.0.1] [--tokens 8] [--interval 0]
// Prints the base URL (ending in /v1) as its first stdout line; stops on SIGTERM or SIGINT, and
// with --exit-on-stdin-close also when stdin closes (so it never outlives its parent).

import { parseArgs } from 'node:util';
import { startFakeUpstream } from './fake-upstream.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    tokens: { type: 'string' },
    interval: { type: 'string' },
    model: { type: 'string' },
    'exit-on-stdin-close': { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`fake upstream: --port must be an integer 0-65535, got "${values.port}"\n`);
  process.exit(2);
}
const tokens = values.tokens === undefined ? undefined : Number(values.tokens);
const interval = values.interval === undefined ? undefined : Number(values.interval);
for (const [name, value] of [
  ['--tokens', tokens],
  ['--interval', interval],
] as const) {
  if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
    process.stderr.write(`fake upstream: ${name} must be a number ≥ 0\n`);
    process.exit(2);
  }
}

const upstream = await startFakeUpstream({
  port,
  host: values.host,
  model: values.model,
  defaultBehaviour: { kind: 'normal', tokens, intervalMs: interval },
});
process.stdout.write(`${upstream.url}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await upstream.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (values['exit-on-stdin-close']) {
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}
