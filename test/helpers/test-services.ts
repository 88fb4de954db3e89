// How tests reach Postgres and Redis. A run uses SCHEMA_CHAT_TEST_POSTGRES_URL and
// SCHEMA_CHAT_TEST_REDIS_URL when they are set (.ci/run starts one server of each and sets them);
// otherwise vitest's global setup (test/helpers/vitest-global-setup.ts) starts throwaway servers
// itself. A test that needs one and cannot have it fails with the reason, never skips silently;
// only SCHEMA_CHAT_SKIP_SERVICE_TESTS=1 skips such tests, visibly, and never on CI.
//
// Also a command for .ci/run, which prints shell `export` lines:
//   node test/helpers/test-services.ts start <dir>   # records the servers' pids under <dir>
//   node test/helpers/test-services.ts stop <dir>    # stops them by those pids, deletes their data
// Plain erasable TypeScript with `.ts` imports: Node runs it directly (type stripping).

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopPid, type TestServer } from './service-process.ts';
import { startPostgres } from './start-postgres.ts';
import { startRedis } from './start-redis.ts';

/** The variables a run reads (and `start` prints). */
export const SERVICE_ENV = {
  postgres: 'SCHEMA_CHAT_TEST_POSTGRES_URL',
  redis: 'SCHEMA_CHAT_TEST_REDIS_URL',
  skip: 'SCHEMA_CHAT_SKIP_SERVICE_TESTS',
} as const;

/** What the global setup found for one service: its URL, or why there is none. */
export type ServiceStatus = { url: string } | { unavailable: string };

/** Both services, as the global setup passes them to the tests (`inject('testServices')`). */
export interface TestServices {
  postgres: ServiceStatus;
  redis: ServiceStatus;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testServices: TestServices;
  }
}

/** Whether the developer asked to skip the tests that need Postgres or Redis (refused on CI). */
export function servicesSkipped(): boolean {
  if (process.env[SERVICE_ENV.skip] !== '1') return false;
  if (process.env.CI) {
    throw new Error(`${SERVICE_ENV.skip}=1 is refused on CI: these tests must run there.`);
  }
  return true;
}

/**
 * The URL of a running service for a test file, or undefined when the developer opted out with
 * SCHEMA_CHAT_SKIP_SERVICE_TESTS=1 (then skip the tests: `describe.skipIf(url === undefined)`).
 * Throws, failing the file with the reason, when the service is unavailable.
 */
export function serviceUrl(
  service: 'postgres' | 'redis',
  provided?: TestServices,
): string | undefined {
  const fromEnv = process.env[SERVICE_ENV[service]];
  if (fromEnv) return fromEnv;
  if (servicesSkipped()) return undefined;
  const status = provided?.[service];
  if (status !== undefined && 'url' in status) return status.url;
  const reason =
    status?.unavailable ??
    'the vitest global setup did not run (run the tests through `npx vitest`, or set the URL)';
  throw new Error(
    `This test needs ${service === 'postgres' ? 'Postgres' : 'Redis'}, which is unavailable: ` +
      `${reason}. Install it (Debian: apt-get install ${service === 'postgres' ? 'postgresql' : 'redis-server'}), ` +
      `or set ${SERVICE_ENV[service]} to a server's URL; to skip these tests on purpose, set ` +
      `${SERVICE_ENV.skip}=1.`,
  );
}

/** Starts whichever of the two services has no URL in the environment; reports the rest. */
export async function startMissingServices(): Promise<{
  services: TestServices;
  started: TestServer[];
}> {
  const started: TestServer[] = [];
  const status = async (
    service: 'postgres' | 'redis',
    start: () => Promise<TestServer>,
  ): Promise<ServiceStatus> => {
    const fromEnv = process.env[SERVICE_ENV[service]];
    if (fromEnv) return { url: fromEnv };
    if (process.env[SERVICE_ENV.skip] === '1' && !process.env.CI) {
      return { unavailable: `${SERVICE_ENV.skip}=1` };
    }
    try {
      const server = await start();
      started.push(server);
      return { url: server.url };
    } catch (error) {
      return { unavailable: (error as Error).message };
    }
  };
  const [postgres, redis] = await Promise.all([
    status('postgres', startPostgres),
    status('redis', startRedis),
  ]);
  return { services: { postgres, redis }, started };
}

/** What `start` records under its directory for `stop`: each server's pid, signal and directory. */
interface RecordedService {
  pid: number;
  signal: NodeJS.Signals;
  dir: string;
}

async function main(command: string | undefined, dir: string | undefined): Promise<void> {
  if ((command !== 'start' && command !== 'stop') || dir === undefined) {
    throw new Error('usage: node test/helpers/test-services.ts start|stop <dir>');
  }
  const record = join(dir, 'services.json');
  if (command === 'stop') {
    let services: RecordedService[] = [];
    try {
      services = JSON.parse(readFileSync(record, 'utf8')) as RecordedService[];
    } catch {}
    // SIGINT is Postgres's fast shutdown, SIGTERM Redis's; each waits until the pid is gone.
    await Promise.all(services.map((service) => stopPid(service.pid, service.signal)));
    for (const service of services) rmSync(service.dir, { recursive: true, force: true });
    rmSync(record, { force: true });
    return;
  }
  mkdirSync(dir, { recursive: true });
  const results = await Promise.allSettled([startPostgres(), startRedis()]);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed !== undefined) {
    // Stop whichever one did start: nothing is recorded for `stop` to find.
    for (const result of results) if (result.status === 'fulfilled') await result.value.close();
    throw failed.reason;
  }
  const [postgres, redis] = results.map(
    (result) => (result as PromiseFulfilledResult<TestServer>).value,
  ) as [TestServer, TestServer];
  const services: RecordedService[] = [
    { pid: postgres.pid ?? 0, signal: 'SIGINT', dir: postgres.dir },
    { pid: redis.pid ?? 0, signal: 'SIGTERM', dir: redis.dir },
  ];
  writeFileSync(record, JSON.stringify(services));
  process.stdout.write(
    `export ${SERVICE_ENV.postgres}='${postgres.url}'\nexport ${SERVICE_ENV.redis}='${redis.url}'\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv[2], process.argv[3]).catch((error: unknown) => {
    process.stderr.write(`test-services: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
