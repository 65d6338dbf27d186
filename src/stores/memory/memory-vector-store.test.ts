import { vectorStoreContract } from '../vector-store.contract.js';
import { MemoryVectorStore } from './memory-vector-store.js';

vectorStoreContract('MemoryVectorStore', { create: async () => new MemoryVectorStore<{ label: string }>() });
