// vitest global setup: starts a throwaway Postgres and Redis for the run unless the environment
// names servers already (see test-services.ts), passes their URLs to the tests
// (`inject('testServices')`) and stops what it started once the run ends.

import type { TestProject } from 'vitest/node';
import { startMissingServices } from './test-services.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { services, started } = await startMissingServices();
  project.provide('testServices', services);
  return async () => {
    await Promise.all(started.map((service) => service.close()));
  };
}
