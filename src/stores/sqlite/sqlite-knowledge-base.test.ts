import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { knowledgeStoreContract } from '../knowledge-store.contract.js';

let directory: string;
let counter = 0;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gemma-rag-store-'));
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

knowledgeStoreContract('SqliteKnowledgeBase', {
  newLocation: () => ({ kind: 'sqlite', path: join(directory, `store-${++counter}.db`) }),
});
