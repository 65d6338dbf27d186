import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'node:test';
import { z } from 'zod';
import { createRag, type Rag } from '../../src/app/rag.js';
import { embeddingGemma } from '../../src/embedding/model-profiles.js';
import { resolvePromptPrefix } from '../../src/embedding/prompts.js';
import { cosineSimilarity } from '../../src/embedding/vector-math.js';
import { countGemmaTokens } from '../../src/engines/llama-cpp/gemma3-vocabulary.js';
import { parityCases } from './parity-corpus.js';
import { distribution, type RealWeights, realWeightsOrSkip, runPython } from './real-weights.js';

const sizes = [768, 512, 256, 128] as const;
const referenceSchema = z.object({
  vectors: z.record(z.string(), z.array(z.array(z.number()))),
  token_counts: z.array(z.number().int()),
});

const cases = parityCases();
const finished = cases.map((item) => resolvePromptPrefix(embeddingGemma, item.prompt) + item.text);

let reference: Promise<z.output<typeof referenceSchema>> | undefined;
function referenceFor(weights: RealWeights) {
  reference ??= runPython(
    weights,
    'st_reference.py',
    { model_dir: weights.embeddingDir, texts: finished, dims: sizes, tokenize: finished },
    referenceSchema,
  );
  return reference;
}

async function openRag(file: string): Promise<Rag> {
  return createRag({ engine: 'llama-cpp', embeddingModel: file, threads: 1 }, { cacheEmbeddings: true });
}

/** Ours against sentence-transformers fp32, at every Matryoshka size, on one GGUF. */
async function checkParity(weights: RealWeights, file: string, label: string, minimum: number) {
  const expected = await referenceFor(weights);
  const worst: string[] = [];
  const all: number[] = [];
  // Embedded once at 768; the smaller sizes are our Matryoshka truncation of the same vectors,
  // checked against sentence-transformers' own truncate_dim.
  const native = await openRag(file);
  try {
    for (const size of sizes) {
      const rag = native.resized(size);
      const ours = await rag.embedder.embedMany(
        cases.map((item) => ({ text: item.text, prompt: item.prompt })),
        { prompt: { kind: 'none' } },
      );
      const theirs = expected.vectors[String(size)] ?? [];
      const cosines = ours.map((vector, index) => cosineSimilarity(vector, Float32Array.from(theirs[index] ?? [])));
      all.push(...cosines);
      const lowest = cosines.reduce((min, value, index) => (value < (cosines[min] ?? 1) ? index : min), 0);
      worst.push(`${size}d worst ${cosines[lowest]?.toFixed(6)} (${cases[lowest]?.label})`);
      console.log(`${label} ${size}d vs sentence-transformers fp32: ${distribution(cosines)}`);
    }
  } finally {
    await native.dispose();
  }
  console.log(`${label}: ${worst.join('; ')}`);
  const min = Math.min(...all);
  assert.ok(min >= minimum, `${label}: min cosine ${min} < ${minimum} (${worst.join('; ')})`);
}

test('the model card prompt table is the real model’s own (config_sentence_transformers.json)', async (t) => {
  const weights = realWeightsOrSkip(t);
  if (!weights) return;
  const config = JSON.parse(await readFile(join(weights.embeddingDir, 'config_sentence_transformers.json'), 'utf8'));
  assert.deepEqual(config.prompts, embeddingGemma.prompts);
  assert.ok(!config.default_prompt_name, 'no default prompt: encode() without a prompt adds none');
});

test('F32 GGUF matches sentence-transformers fp32: min cosine ≥ 0.9999 at 768/512/256/128', async (t) => {
  const weights = realWeightsOrSkip(t);
  if (!weights) return;
  await checkParity(weights, weights.embeddingF32, 'F32', 0.9999);
});

test('Q8_0 GGUF matches sentence-transformers fp32: min cosine ≥ 0.998 at 768/512/256/128', async (t) => {
  const weights = realWeightsOrSkip(t);
  if (!weights) return;
  await checkParity(weights, weights.embeddingQ8, 'Q8_0', 0.998);
});

test('token counts agree: our tokenizer = the GGUF’s = Hugging Face’s, so chunk limits are right', async (t) => {
  const weights = realWeightsOrSkip(t);
  if (!weights) return;
  const expected = (await referenceFor(weights)).token_counts;
  const rag = await openRag(weights.embeddingQ8);
  try {
    const gguf = await rag.embedder.countTokens(finished);
    const vocabulary = await countGemmaTokens(finished);
    assert.deepEqual(gguf, expected, 'the GGUF tokenizer (llama.cpp) vs Hugging Face');
    assert.deepEqual(
      vocabulary,
      expected,
      'the GGUF vocabulary without weights (lexical and HTTP engines) vs Hugging Face',
    );
    const longest = Math.max(...expected);
    console.log(
      `token counts equal on ${expected.length} inputs; longest ${longest} of ${embeddingGemma.maxInputTokens}`,
    );
    assert.ok(
      longest > 1800 && longest <= embeddingGemma.maxInputTokens,
      `the corpus reaches near the limit (${longest})`,
    );
  } finally {
    await rag.dispose();
  }
});
