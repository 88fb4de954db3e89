// MemoryChatStore runs the ChatStore contract suite.

import { describeChatStoreContract } from './chat-store.contract.js';
import { MemoryChatStore } from './memory-chat-store.js';

describeChatStoreContract('MemoryChatStore', async () => ({ store: new MemoryChatStore() }));
