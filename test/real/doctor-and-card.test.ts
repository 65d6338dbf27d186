import assert from 'node:assert/strict';
import test from 'node:test';
import { createRag } from '../../src/app/rag.js';
import { modelCardReference } from '../../src/doctor/model-card-reference.js';
import { cosineSimilarity } from '../../src/embedding/vector-math.js';
import { runCli } from '../fixtures/run-cli.js';
import { realWeightsOrSkip } from './real-weights.js';

// The model card's golden test (query vs its four documents, sentence-transformers fp32).
const card = modelCardReference;

for (const [label, pick, tolerance] of [
  ['F32', 'embeddingF32', 0.002],
  ['Q8_0', 'embeddingQ8', 0.01],
] as const) {
  test(`${label}: the model card's golden similarities within ${tolerance}`, async (t) => {
    const weights = realWeightsOrSkip(t);
    if (!weights) return;
    const rag = await createRag({ engine: 'llama-cpp', embeddingModel: weights[pick], threads: 1 });
    try {
      const query = await rag.embedder.embedQuery(card.query, { promptName: 'query' });
      const documents = await rag.embedder.embedMany(card.documents, { prompt: { kind: 'named', name: 'document' } });
      const similarities = documents.map((vector) => cosineSimilarity(query, vector));
      console.log(`${label} card similarities: ${similarities.map((value) => value.toFixed(4)).join(', ')}`);
      similarities.forEach((value, index) => {
        assert.ok(Math.abs(value - (card.similarities[index] ?? 0)) <= tolerance, `${index}: ${value}`);
      });
    } finally {
      await rag.dispose();
    }
  });
}

test('doctor passes the real Q8_0 and F32 GGUFs and refuses the one converted without its Dense layers', async (t) => {
  const weights = realWeightsOrSkip(t);
  if (!weights) return;
  for (const file of [weights.embeddingQ8, weights.embeddingF32]) {
    const run = await runCli(['doctor', '--embedding-model', file, '--threads', '1', '--json']);
    const report = run.json() as { ok: boolean; checks: Array<{ name: string; status: string; detail: string }> };
    assert.equal(run.exitCode, 0, JSON.stringify(report.checks));
    const reference = report.checks.find((check) => check.name === 'model card reference');
    assert.equal(reference?.status, 'pass', reference?.detail);
    const distance = report.checks.find((check) => check.name === 'distance from fp32');
    assert.equal(distance?.status, 'pass', distance?.detail);
    console.log(`${file}: ${distance?.detail}`);
  }
  // Loaded anyway, the no-Dense file is far from fp32 on the reference set: a warning names it.
  const forced = await runCli([
    'doctor',
    '--embedding-model',
    weights.embeddingQ8NoDense,
    '--allow-missing-dense',
    '--threads',
    '1',
    '--json',
  ]);
  const forcedReport = forced.json() as { checks: Array<{ name: string; status: string; detail: string }> };
  const far = forcedReport.checks.find((check) => check.name === 'distance from fp32');
  assert.equal(far?.status, 'warn', far?.detail);
  console.log(`no Dense layers: ${far?.detail}`);
  const noDense = await runCli(['doctor', '--embedding-model', weights.embeddingQ8NoDense, '--threads', '1']);
  assert.equal(noDense.exitCode, 1);
  assert.match(noDense.stdout, /lacks EmbeddingGemma's Dense layers \(dense_2\.weight, dense_3\.weight\)/);
});

test('doctor names the pretrained Gemma 3 270M as the wrong answering model, and the -it file to use', async (t) => {
  const weights = realWeightsOrSkip(t);
  if (!weights) return;
  const run = await runCli(['doctor', '--engine', 'lexical', '--generation-model', weights.languageModel, '--json']);
  const report = run.json() as { checks: Array<{ name: string; status: string; detail: string }> };
  const check = report.checks.find((entry) => entry.name === 'answering model');
  assert.equal(check?.status, 'fail');
  assert.match(check?.detail ?? '', /looks pretrained, not instruction-tuned.*gemma-3-270m-it/);
  assert.equal(run.exitCode, 1);
});
