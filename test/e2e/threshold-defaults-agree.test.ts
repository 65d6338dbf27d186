import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { defaultThresholdsFor, embeddingGemma } from '../../src/embedding/model-profiles.js';
import { runCli } from '../fixtures/run-cli.js';
import { type TinyModelPaths, writeTinyModels } from '../fixtures/tiny-models.js';

// The thresholds a user reads in `ask --help`, the README and `--explain` are the ones the code
// applies: each is compared with defaultThresholdsFor, never with another copy of the numbers.
let paths: TinyModelPaths;
before(async () => {
  paths = await writeTinyModels();
});
after(async () => {
  if (paths) await rm(paths.directory, { recursive: true, force: true });
});

const sizes = [768, 512, 256, 128];
const flatGate = (size: number) => defaultThresholdsFor(embeddingGemma, 'flat', size).document;

test('ask --help states the default thresholds defaultThresholdsFor applies, per size and route', async () => {
  const help = (await runCli(['ask', '--help'])).stdout.replace(/\s+/g, ' ');
  const option = /--threshold <x> (.*?) --category-threshold/.exec(help)?.[1] ?? '';
  for (const size of sizes) {
    const stated = new RegExp(`(\\d\\.\\d+) at (?:\\d+ and )*${size}\\b`).exec(option)?.[1];
    assert.equal(Number(stated), flatGate(size), `hybrid/flat at ${size}: "${option}"`);
  }
  const twoStage = defaultThresholdsFor(embeddingGemma, 'two-stage', 768);
  assert.equal(twoStage.category, twoStage.document);
  assert.equal(Number(/two-stage (\d\.\d+)/.exec(option)?.[1]), twoStage.document);
  assert.doesNotMatch(help, /default 0\.4 with EmbeddingGemma/);
});

test('the README states the same gates', async () => {
  const readme = (await readFile(new URL('../../README.md', import.meta.url), 'utf8')).replace(/\s+/g, ' ');
  const stated = /0\.30 at 768 and 512, 0\.34 at 256, 0\.38 at 128/.exec(readme)?.[0];
  assert.ok(stated, 'the README lists the gate per output size');
  assert.deepEqual(
    [flatGate(768), flatGate(512), flatGate(256), flatGate(128)],
    [0.3, 0.3, 0.34, 0.38],
    'the README sentence above matches the code; update both together',
  );
  assert.match(
    readme,
    new RegExp(`seed's ${defaultThresholdsFor(embeddingGemma, 'two-stage', 768).document} for both stages`),
  );
});

test('--explain shows the threshold that was applied, per route (tiny EmbeddingGemma: 64 dimensions)', async () => {
  for (const [route, expected] of [
    ['hybrid', flatGate(64)],
    ['two-stage', defaultThresholdsFor(embeddingGemma, 'two-stage', 64).document],
  ] as const) {
    const run = await runCli([
      'ask',
      'hello world',
      '--engine',
      'llama-cpp',
      '--embedding-model',
      paths.embedding,
      '--threads',
      '1',
      '--cpu',
      '--no-generate',
      '--explain',
      '--mode',
      route,
    ]);
    assert.equal(run.exitCode, 0, run.stderr);
    const shown = /documents \(cosine[^)]*threshold ([\d.]+)\)/.exec(run.stderr)?.[1];
    assert.equal(Number(shown), expected, run.stderr);
  }
});
