import { freshSchema, postgresTargets } from '../../../test/fixtures/test-postgres.js';
import { knowledgeStoreContract } from '../knowledge-store.contract.js';
import { vectorStoreContract } from '../vector-store.contract.js';
import { PostgresVectorStore } from './postgres-vector-store.js';

// The same contracts as SQLite's, over the real `pg` driver: PGlite always, a real
// PostgreSQL server too when .ci/run provides one.
for (const target of postgresTargets()) {
  knowledgeStoreContract(`PostgresKnowledgeBase on ${target.name}`, {
    newLocation: () => freshSchema(target.url),
  });
  vectorStoreContract(`PostgresVectorStore on ${target.name}`, {
    create: async () => {
      const location = freshSchema(target.url, 'vectors');
      if (location.kind !== 'postgres') throw new Error('freshSchema gives PostgreSQL locations');
      return PostgresVectorStore.open<{ label: string }>(location);
    },
  });
}
