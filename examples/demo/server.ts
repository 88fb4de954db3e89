// `npm start`: the zero-configuration demo. Prints the URL and the model, and shuts down cleanly
// on SIGTERM/SIGINT. Environment: see resolve-demo-config.ts (or the README's configuration table).

import { resolveDemoConfig } from './resolve-demo-config.ts';
import { startDemoServer } from './start-demo-server.ts';

let config: ReturnType<typeof resolveDemoConfig>;
let demo: Awaited<ReturnType<typeof startDemoServer>>;
try {
  config = resolveDemoConfig(process.env);
  demo = await startDemoServer(config);
} catch (error) {
  process.stderr.write(`schema-chat demo: ${(error as Error).message}\n`);
  process.exit(1);
}

// Tests and scripts read the first line; keep its shape.
process.stdout.write(`schema-chat demo listening on ${demo.url}\n`);
process.stdout.write(`model: ${demo.modelDescription}\n`);
process.stdout.write(`database: ${demo.storageDescription}\n`);
if (config.jwtSecretGenerated) {
  process.stdout.write(
    'auth: SCHEMA_CHAT_JWT_SECRET is not set, so a random secret was generated for this run\n',
  );
}
if (config.corsOrigins.length > 0) {
  process.stdout.write(`cors: pages on ${config.corsOrigins.join(', ')} may embed the chat\n`);
}
process.stdout.write(`Open ${demo.url} and ask about a schema. Ctrl+C stops.\n`);

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal}: finishing running answers and closing the database…\n`);
  // A stuck close must not keep the process alive forever.
  setTimeout(() => {
    process.stderr.write('schema-chat demo: shutdown took longer than 10 s; exiting anyway\n');
    process.exit(1);
  }, 10_000).unref();
  demo.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`schema-chat demo: shutdown failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
