import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { transformersPackage } from '../../src/engines/transformers/transformers-runtime.js';

// What a newcomer's install gets, and what npm prints while they use the repository.
const root = new URL('../../', import.meta.url);
const run = promisify(execFile);

interface PackageJson {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(new URL(file, root), 'utf8')) as T;
}

test('every package with an install script in the lockfile has an allowScripts decision (npm 11 warns otherwise)', async () => {
  const manifest = await readJson<PackageJson>('package.json');
  const lock = await readJson<{ packages: Record<string, { hasInstallScript?: boolean }> }>('package-lock.json');
  const withScripts = Object.entries(lock.packages)
    .filter(([, entry]) => entry.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  assert.ok(withScripts.length > 0);
  const undecided = withScripts.filter((name) => manifest.allowScripts?.[name] === undefined);
  assert.deepEqual(undecided, []);
  // onnxruntime-node's script only downloads CUDA libraries from NuGet: denied, so `npm ci` works offline.
  assert.equal(manifest.allowScripts?.['onnxruntime-node'], false);
  assert.equal(manifest.allowScripts?.['better-sqlite3'], true);
  assert.equal(manifest.allowScripts?.['node-llama-cpp'], true);
});

test('the transformers engine is a devDependency only, at the version its install advice names', async () => {
  const manifest = await readJson<PackageJson>('package.json');
  const [name, version] = [
    transformersPackage.slice(0, transformersPackage.lastIndexOf('@')),
    transformersPackage.slice(transformersPackage.lastIndexOf('@') + 1),
  ];
  assert.equal(manifest.dependencies[name], undefined);
  assert.equal(manifest.optionalDependencies?.[name], undefined);
  assert.equal(manifest.devDependencies[name], version);
});

test('npm and npx print no warning in this repository', async () => {
  const options = { cwd: root, env: { ...process.env, NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false' } };
  const npm = await run('npm', ['pkg', 'get', 'name'], options);
  assert.equal(npm.stdout.trim(), '"gemma-rag"');
  assert.equal(npm.stderr, '');
  const npx = await run('npx', ['--no-install', 'gemma-rag', 'prompts', '--json'], options);
  assert.match(npx.stdout, /"query": "task: search result \| query: "/);
  assert.equal(npx.stderr, '');
});
