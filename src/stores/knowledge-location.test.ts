import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { errorCodes } from '../spec/errors.js';
import { maskPassword, parseKnowledgeLocation, scrubSecrets } from './knowledge-location.js';

test('a path is a SQLite file, resolved; a postgres URL is PostgreSQL with the default schema', () => {
  assert.deepEqual(parseKnowledgeLocation('team.db'), { kind: 'sqlite', path: resolve('team.db') });
  const location = parseKnowledgeLocation('postgresql://ann:s3cr%40t@db.example:5433/kb?sslmode=require');
  assert.equal(location.kind, 'postgres');
  if (location.kind !== 'postgres') return;
  assert.equal(location.schema, 'gemma_rag');
  assert.equal(location.display, 'postgresql://ann:***@db.example:5433/kb?sslmode=require');
  assert.equal(location.connectionString, 'postgresql://ann:s3cr%40t@db.example:5433/kb?sslmode=require');
  assert.deepEqual([...location.secrets].sort(), ['s3cr%40t', 's3cr@t']);
});

test('schema= chooses the schema and is not passed to the driver; TLS parameters pass through', () => {
  const location = parseKnowledgeLocation(
    'postgres://ann@host/kb?schema=team_a&sslmode=verify-full&sslrootcert=/ca.pem',
  );
  assert.ok(location.kind === 'postgres');
  assert.equal(location.schema, 'team_a');
  assert.equal(location.connectionString, 'postgres://ann@host/kb?sslmode=verify-full&sslrootcert=%2Fca.pem');
});

test('a schema that is not a plain name is refused before anything connects', () => {
  assert.throws(() => parseKnowledgeLocation('postgres://host/kb?schema=a;drop'), { code: errorCodes.invalidArgument });
  assert.throws(() => parseKnowledgeLocation('postgres://host/kb?schema=1abc'), { code: errorCodes.invalidArgument });
});

test('another URL scheme is refused instead of becoming a folder; the password is masked in the message', () => {
  assert.throws(
    () => parseKnowledgeLocation('mysql://root:hunter2@localhost/kb'),
    (error: { code: string; message: string }) => {
      assert.equal(error.code, errorCodes.invalidArgument);
      assert.doesNotMatch(error.message, /hunter2/);
      assert.match(error.message, /mysql:\/\/root:\*\*\*@localhost\/kb/);
      return true;
    },
  );
});

test('masking covers the password, sslpassword and unparseable URLs', () => {
  assert.equal(maskPassword('postgres://u:p@h/d?sslpassword=k&x=1'), 'postgres://u:***@h/d?sslpassword=***&x=1');
  assert.equal(maskPassword('postgres://u:p@[bad/d'), 'postgres://u:***@[bad/d');
  assert.equal(scrubSecrets('login as u with p4ss failed: p4ss', ['p4ss']), 'login as u with *** failed: ***');
});
