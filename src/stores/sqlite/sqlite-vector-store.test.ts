import { vectorStoreContract } from '../vector-store.contract.js';
import { SqliteVectorStore } from './sqlite-vector-store.js';

vectorStoreContract('SqliteVectorStore', { create: () => SqliteVectorStore.open<{ label: string }>(':memory:') });
