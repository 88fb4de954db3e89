import { MemoryRunRegistry } from './memory-run-registry.js';
import { describeRunRegistryContract } from './run-registry.contract.js';

describeRunRegistryContract('MemoryRunRegistry', async ({ replayTtlMs }) => ({
  registry: new MemoryRunRegistry({ replayTtlMs }),
}));
