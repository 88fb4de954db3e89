import { silentLogger } from '../logging/chat-logger.js';
import { MemoryChatStore } from '../stores/memory-chat-store.js';
import { MemoryRunRegistry } from './memory-run-registry.js';
import { describeRunRegistryContract } from './run-registry.contract.js';

describeRunRegistryContract('MemoryRunRegistry', async ({ replayTtlMs }) => {
  const registry = new MemoryRunRegistry();
  await registry.start({ store: new MemoryChatStore(), logger: silentLogger, replayTtlMs });
  return { registry };
});
