import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('.', import.meta.url));

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(directory, entry.name))
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.contract.ts')
        ? [join(directory, entry.name)]
        : [],
  );
}

test('only the stores and the store opener know which store they have: nothing else imports stores/sqlite or stores/postgres', () => {
  const offenders = sourceFiles(source)
    .map((file) => relative(source, file))
    .filter((file) => !file.startsWith('stores/') && file !== 'index.ts')
    .filter((file) => /from '[^']*stores\/(sqlite|postgres)\//.test(readFileSync(join(source, file), 'utf8')));
  assert.deepEqual(offenders, []);
});

test('a SQLite user never loads the PostgreSQL driver', () => {
  const script = `
    import { createRequire } from 'node:module';
    import { openKnowledgeStore, parseKnowledgeLocation } from './src/index.ts';
    const store = await openKnowledgeStore(parseKnowledgeLocation(':memory:'), { create: true });
    await store.listCategories();
    await store.close();
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify(loaded.filter((path) => /node_modules\\/pg(-[a-z-]+)?\\//.test(path))));
  `;
  const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: join(source, '..'),
    encoding: 'utf8',
  });
  assert.deepEqual(JSON.parse(output.trim().split('\n').at(-1) ?? 'null'), []);
});
