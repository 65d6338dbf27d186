import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshSchema, postgresTargets } from '../../../test/fixtures/test-postgres.js';
import { errorCodes } from '../../spec/errors.js';
import type { KnowledgeLocation } from '../knowledge-location.js';
import { PostgresConnection } from './postgres-connection.js';
import { PostgresKnowledgeBase } from './postgres-knowledge-base.js';
import { postgresMigrations } from './postgres-schema.js';

type PostgresLocation = Extract<KnowledgeLocation, { kind: 'postgres' }>;

function fresh(url: string): PostgresLocation {
  const location = freshSchema(url, 'schema');
  assert.ok(location.kind === 'postgres');
  return location;
}

async function versions(location: PostgresLocation): Promise<number[]> {
  const connection = await PostgresConnection.open(location);
  try {
    const rows = await connection.query<{ version: number }>(
      `SELECT version FROM ${connection.schema}.schema_migrations ORDER BY version`,
    );
    return rows.map((row) => row.version);
  } finally {
    await connection.close();
  }
}

for (const target of postgresTargets()) {
  test(`${target.name}: processes opening a new knowledge base at once migrate it exactly once`, async () => {
    const location = fresh(target.url);
    const stores = await Promise.all([1, 2, 3].map(() => PostgresKnowledgeBase.open(location)));
    try {
      assert.deepEqual(
        await versions(location),
        postgresMigrations.map((_, index) => index + 1),
      );
      // Opening again is a read, not a migration.
      const again = await PostgresKnowledgeBase.open(location, { create: false });
      await again.close();
      assert.equal((await versions(location)).length, postgresMigrations.length);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  test(`${target.name}: a knowledge base from a newer gemma-rag is refused, not changed`, async () => {
    const location = fresh(target.url);
    (await PostgresKnowledgeBase.open(location)).close();
    const connection = await PostgresConnection.open(location);
    try {
      await connection.query(`INSERT INTO ${connection.schema}.schema_migrations (version) VALUES (99)`);
    } finally {
      await connection.close();
    }
    await assert.rejects(PostgresKnowledgeBase.open(location), (error: { code: string; message: string }) => {
      assert.equal(error.code, errorCodes.invalidArgument);
      assert.match(error.message, /newer gemma-rag/);
      return true;
    });
    assert.equal((await versions(location)).at(-1), 99);
  });

  test(`${target.name}: two knowledge bases in one database keep to their own schemas`, async () => {
    const first = await PostgresKnowledgeBase.open(fresh(target.url));
    const second = await PostgresKnowledgeBase.open(fresh(target.url));
    try {
      await first.writeSetting('owner', 'first');
      assert.equal(await second.readSetting('owner'), undefined);
      assert.notEqual(first.location, second.location);
    } finally {
      await first.close();
      await second.close();
    }
  });
}

test('a server that cannot be reached is STORE_UNAVAILABLE, and the password never appears', async () => {
  const location = fresh('postgres://ann:Sup3r-Secret@127.0.0.1:9/kb');
  await assert.rejects(
    PostgresKnowledgeBase.open(location),
    (error: { code: string; message: string; data: object }) => {
      assert.equal(error.code, errorCodes.storeUnavailable);
      assert.match(error.message, /postgres:\/\/ann:\*\*\*@127\.0\.0\.1:9\/kb/);
      assert.doesNotMatch(`${error.message} ${JSON.stringify(error.data)}`, /Sup3r-Secret/);
      return true;
    },
  );
});
