#!/usr/bin/env node
// Node 20's test runner only discovers *.test.js files by itself; list our TypeScript tests
// and hand them to it explicitly. Each file runs in its own process, which also contains a
// llama.cpp abort to the file that caused it.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const explicit = process.argv.slice(2);
const roots = explicit.length > 0 ? explicit : ['src', 'test'];
// The real-weights tier (test/real) needs GB of weights: it runs only when named (npm run test:real).
const skipped = explicit.length > 0 ? new Set(['node_modules']) : new Set(['node_modules', 'real']);

function findTests(path) {
  if (path.endsWith('.test.ts')) return [path];
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => !skipped.has(entry.name))
    .flatMap((entry) =>
      entry.isDirectory()
        ? findTests(join(path, entry.name))
        : entry.name.endsWith('.test.ts')
          ? [join(path, entry.name)]
          : [],
    )
    .sort();
}

const files = roots.flatMap(findTests);
if (files.length === 0) {
  console.error(`No test files under ${roots.join(', ')}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
