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
    import { parseKnowledgeLocation } from './src/index.ts';
    import { openKnowledgeStore } from './src/stores/open-knowledge-store.ts';
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

/**
 * The layers, lowest first: a file may import its own folder, any lower layer and its own
 * layer (without folder cycles), never a higher one. index.ts (the public API) and testing/
 * (test tooling, not shipped) are outside the map.
 */
const layers: readonly (readonly string[])[] = [
  ['spec'],
  ['util', 'text'],
  ['embedding', 'knowledge', 'models', 'config'],
  ['engines', 'stores'],
  ['retrieval', 'answer', 'conversation', 'ingest'],
  ['app'],
  ['eval', 'doctor'],
  ['presentation'],
  ['server'],
  ['cli'],
];

/** What the edges may import besides themselves: the composition root, presentation, the vocabulary. */
const edgeAllowed: Record<string, readonly string[]> = {
  cli: ['app', 'presentation', 'spec', 'eval', 'doctor', 'server'],
  server: ['app', 'presentation', 'spec', 'util', 'text', 'config', 'models'],
};

type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** Top folder of a path relative to src/ ('config' for config.ts). */
function folderOf(path: string): string {
  return (path.split('/')[0] ?? '').replace(/\.(ts|js)$/, '');
}

function importGraph(): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(source)) {
    const from = relative(source, file);
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/from '(\.[^']+)'/g)].map((match) =>
      relative(source, join(file, '..', match[1] as string)),
    );
    graph.set(from, targets);
  }
  return graph;
}

/** Every import that breaks the layer map or an edge's allowed list, as "from -> to". */
function layerViolations(graph: ImportGraph): string[] {
  const rank = new Map(layers.flatMap((names, index) => names.map((name) => [name, index] as const)));
  const violations: string[] = [];
  for (const [from, targets] of graph) {
    const source = folderOf(from);
    if (source === 'index' || source === 'testing') continue;
    for (const target of targets) {
      const folder = folderOf(target);
      if (folder === source) continue;
      const sourceRank = rank.get(source);
      const targetRank = rank.get(folder);
      if (sourceRank === undefined || targetRank === undefined)
        violations.push(`${from} -> ${target} (not in the layer map)`);
      else if (targetRank > sourceRank) violations.push(`${from} -> ${target} (upward)`);
      const allowed = edgeAllowed[source];
      if (allowed && !allowed.includes(folder))
        violations.push(`${from} -> ${target} (an edge may import ${allowed.join(', ')})`);
    }
  }
  return violations;
}

/** Folder-level cycles among folders of one layer, e.g. answer -> conversation -> answer. */
function folderCycles(graph: ImportGraph): string[] {
  const edges = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    for (const target of targets) {
      const [a, b] = [folderOf(from), folderOf(target)];
      if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b));
    }
  }
  const cycles: string[] = [];
  const reaches = (start: string, goal: string, seen = new Set<string>()): boolean =>
    [...(edges.get(start) ?? [])].some((next) => {
      if (next === goal) return true;
      if (seen.has(next)) return false;
      seen.add(next);
      return reaches(next, goal, seen);
    });
  for (const folder of edges.keys()) if (reaches(folder, folder)) cycles.push(folder);
  return cycles;
}

test('no file imports a higher layer, the CLI and the server import only their allowed folders, and folders form no cycle', () => {
  const graph = importGraph();
  assert.deepEqual(layerViolations(graph), []);
  assert.deepEqual(folderCycles(graph), []);
});

test('the layer check is not vacuous: a command importing a store, or a store importing the CLI, is caught', () => {
  const graph = new Map(importGraph());
  graph.set('cli/commands/ask.ts', [...(graph.get('cli/commands/ask.ts') ?? []), 'stores/sqlite/open-database.js']);
  graph.set('stores/open-knowledge-store.ts', ['cli/main.js']);
  graph.set('answer/answer-question.ts', ['conversation/condense-question.js']);
  graph.set('conversation/condense-question.ts', ['answer/answer-question.js']);
  const violations = layerViolations(graph);
  assert.ok(
    violations.includes(
      'cli/commands/ask.ts -> stores/sqlite/open-database.js (an edge may import app, presentation, spec, eval, doctor, server)',
    ),
  );
  assert.ok(violations.includes('stores/open-knowledge-store.ts -> cli/main.js (upward)'));
  assert.ok(folderCycles(graph).includes('answer'));
});
