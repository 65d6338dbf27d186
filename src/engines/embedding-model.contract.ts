import assert from 'node:assert/strict';
import { Embedder } from '../embedding/embedder.js';
import { embeddingGemma } from '../embedding/model-profiles.js';
import { noPrompt } from '../embedding/prompts.js';
import { cosineSimilarity, l2Normalize } from '../embedding/vector-math.js';
import type { EmbeddingModel } from '../spec/embedding-model.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { contractCase } from '../testing/contract-case.js';

export const embeddingContractCases = [
  'shapes and dimensions',
  'finite, non-zero values',
  'determinism',
  'an empty batch',
  'token counts',
  'a different input gives a different vector',
  'the input reaches the model unchanged',
  'a full batch keeps input order',
  'embedder batching keeps input order',
  'an aborted signal',
  'abort during a call',
  'abort while the server is slow',
  'the input limit: limit − 1 and limit embed, limit + 1 is INPUT_TOO_LONG',
] as const;
export type EmbeddingContractCase = (typeof embeddingContractCases)[number];

export interface EmbeddingModelContractOptions {
  /** Creates a ready model; called once per case, and disposed after it. */
  create: () => Promise<EmbeddingModel>;
  /**
   * The inputs the model received so far, exactly as received, when the test can see them
   * (a fake server records requests). Without it, the case that needs it is skipped.
   */
  receivedInputs?: () => readonly string[];
  /** Makes the model's next calls take seconds (a slow server), for the abort-while-waiting case. */
  makeSlow?: () => void;
  /** Cases that do not apply to this engine, each with the reason. */
  skips?: Partial<Record<EmbeddingContractCase, string>>;
}

// Prompted strings as the Embedder produces them; the engine must embed them as they are.
const promptedQuery = 'task: search result | query: Which planet is known as the Red Planet?';
const promptedDocument =
  'title: none | text: Mars, known for its reddish appearance, is often referred to as the Red Planet.';
const unicodeInput = 'title: Café ☕ | text: 東京の天気 😀 — naïve “quotes”\nsecond line\ttab';

/** Servers may batch inputs together and differ in the last bits; "the same vector" allows for that. */
const sameVector = 0.9999;

function assertSame(left: Float32Array | undefined, right: Float32Array | undefined, what: string): void {
  assert.ok(left && right, `${what}: missing vector`);
  const similarity = cosineSimilarity(left, right);
  assert.ok(similarity >= sameVector, `${what}: cosine ${similarity} < ${sameVector}`);
}

async function assertAborted(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(GemmaRagError.isInstance(error), `not a GemmaRagError: ${String(error)}`);
    assert.equal(error.code, errorCodes.aborted);
    return true;
  });
}

function distinctInputs(count: number): string[] {
  return Array.from(
    { length: count },
    (_, index) => `task: search result | query: input number ${index} ${'x'.repeat(index % 7)}`,
  );
}

/**
 * A text of exactly `tokens` tokens as `model` counts them (special tokens included): words
 * of one letter, the count found by bisection, then one letter glued on where a word costs
 * two tokens (tokenizers with one piece per character).
 */
export async function textOfTokens(model: EmbeddingModel, tokens: number): Promise<string> {
  const words = (count: number) => Array.from({ length: count }, () => 'a').join(' ');
  const count = async (text: string) => (await model.countTokens({ values: [text] }))[0] ?? 0;
  let low = 0;
  let high = tokens;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if ((await count(words(middle))) <= tokens) low = middle;
    else high = middle - 1;
  }
  for (const text of [words(low), `${words(low)}b`, `${words(low)} b`]) {
    if ((await count(text)) === tokens) return text;
  }
  throw new Error(`could not build a text of exactly ${tokens} tokens for ${model.engine}`);
}

function assertTooLong(error: unknown): true {
  assert.ok(GemmaRagError.isInstance(error), `not a GemmaRagError: ${String(error)}`);
  assert.equal(error.code, errorCodes.inputTooLong, error.message);
  return true;
}

/**
 * The behaviour every EmbeddingModel must have, whatever runs the model. Each engine's test
 * file calls this with its own factory; cases that cannot apply are skipped with a reason.
 */
export function embeddingModelContract(name: string, options: EmbeddingModelContractOptions): void {
  const skips: Partial<Record<EmbeddingContractCase, string>> = options.skips ?? {};
  const withModel = (title: EmbeddingContractCase, body: (model: EmbeddingModel) => Promise<void>) => {
    const skip =
      skips[title] ??
      (title === 'the input reaches the model unchanged' && !options.receivedInputs
        ? 'no way to observe what the model received'
        : title === 'abort while the server is slow' && !options.makeSlow
          ? 'the engine has no slow server to wait on'
          : undefined);
    contractCase(`${name}: ${title}`, skip, options.create, (model) => model.dispose(), body);
  };

  withModel('shapes and dimensions', async (model) => {
    assert.ok(Number.isInteger(model.dimensions) && model.dimensions > 0, `dimensions ${model.dimensions}`);
    assert.ok(Number.isInteger(model.maxInputTokens) && model.maxInputTokens > 0);
    assert.ok(Number.isInteger(model.maxEmbeddingsPerCall) && model.maxEmbeddingsPerCall > 0);
    assert.ok(model.engine && model.label && model.modelId && model.fingerprint, 'metadata is filled in');
    const { embeddings } = await model.embed({ values: [promptedQuery, promptedDocument, 'plain'] });
    assert.equal(embeddings.length, 3);
    for (const vector of embeddings) {
      assert.ok(vector instanceof Float32Array);
      assert.equal(vector.length, model.dimensions);
    }
  });

  withModel('finite, non-zero values', async (model) => {
    const { embeddings } = await model.embed({ values: [promptedQuery, unicodeInput] });
    for (const vector of embeddings) {
      assert.ok(vector.every(Number.isFinite), 'non-finite value');
      assert.ok(
        vector.some((value) => value !== 0),
        'all zeros',
      );
    }
  });

  withModel('determinism', async (model) => {
    const [first] = (await model.embed({ values: [promptedDocument] })).embeddings;
    const [second] = (await model.embed({ values: [promptedDocument] })).embeddings;
    assertSame(first, second, 'same input twice');
    // A query embedded alone must match the same text embedded among others (indexing vs asking).
    const [, inBatch] = (await model.embed({ values: [promptedQuery, promptedDocument, unicodeInput] })).embeddings;
    assertSame(first, inBatch, 'alone vs in a batch');
  });

  withModel('an empty batch', async (model) => {
    assert.deepEqual((await model.embed({ values: [] })).embeddings, []);
  });

  withModel('token counts', async (model) => {
    const counts = await model.countTokens({ values: ['hello', `hello ${'world '.repeat(20)}`] });
    assert.equal(counts.length, 2);
    for (const count of counts) assert.ok(Number.isInteger(count) && count > 0, `count ${count}`);
    assert.ok((counts[1] ?? 0) > (counts[0] ?? 0), 'a longer text counts more tokens');
  });

  withModel('a different input gives a different vector', async (model) => {
    // The prompt is part of the input: a different prompt must change the vector.
    const bare = 'Which planet is known as the Red Planet?';
    const { embeddings } = await model.embed({
      values: [promptedQuery, `task: classification | query: ${bare}`, bare],
    });
    const [query, classification, plain] = embeddings;
    assert.ok(query && classification && plain);
    assert.ok(cosineSimilarity(query, classification) < sameVector, 'prompt change ignored');
    assert.ok(cosineSimilarity(query, plain) < sameVector, 'prompt removal ignored');
  });

  withModel('the input reaches the model unchanged', async (model) => {
    const before = options.receivedInputs?.().length ?? 0;
    await model.embed({ values: [promptedQuery, unicodeInput] });
    // Exactly these strings: no prompt, prefix, trimming or normalization added by the engine.
    assert.deepEqual(options.receivedInputs?.().slice(before), [promptedQuery, unicodeInput]);
  });

  withModel('a full batch keeps input order', async (model) => {
    const inputs = distinctInputs(Math.min(model.maxEmbeddingsPerCall, 256));
    const { embeddings } = await model.embed({ values: inputs });
    assert.equal(embeddings.length, inputs.length);
    const probes = [0, Math.floor(inputs.length / 2), inputs.length - 1];
    for (const index of new Set(probes)) {
      const [alone] = (await model.embed({ values: [inputs[index] ?? ''] })).embeddings;
      assertSame(embeddings[index], alone, `input ${index}`);
    }
  });

  withModel('embedder batching keeps input order', async (model) => {
    // More inputs than one call takes: the Embedder splits them; the order must survive.
    const inputs = distinctInputs(Math.min(model.maxEmbeddingsPerCall, 256) + 3);
    const embedder = new Embedder({ model, profile: embeddingGemma });
    const vectors = await embedder.embedMany(inputs, { prompt: noPrompt });
    assert.equal(vectors.length, inputs.length);
    for (const index of new Set([0, inputs.length - 2, inputs.length - 1])) {
      const [alone] = (await model.embed({ values: [inputs[index] ?? ''] })).embeddings;
      assert.ok(alone);
      assertSame(vectors[index], l2Normalize(alone), `input ${index}`);
    }
  });

  withModel('an aborted signal', async (model) => {
    const controller = new AbortController();
    controller.abort();
    await assertAborted(model.embed({ values: [promptedQuery], abortSignal: controller.signal }));
    await assertAborted(model.countTokens({ values: [promptedQuery], abortSignal: controller.signal }));
  });

  withModel('abort during a call', async (model) => {
    const controller = new AbortController();
    const call = model.embed({ values: distinctInputs(model.maxEmbeddingsPerCall), abortSignal: controller.signal });
    controller.abort();
    await assertAborted(call);
  });

  withModel('abort while the server is slow', async (model) => {
    options.makeSlow?.();
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 50);
    await assertAborted(model.embed({ values: [promptedQuery], abortSignal: controller.signal }));
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 2000, `gave up only after ${Math.round(elapsed)} ms`);
  });

  withModel('the input limit: limit − 1 and limit embed, limit + 1 is INPUT_TOO_LONG', async (model) => {
    // Through the Embedder, whose limit is the tighter of the profile's and the engine's…
    const embedder = new Embedder({ model, profile: embeddingGemma });
    const limit = embedder.maxInputTokens;
    const [below, at, above] = await Promise.all([limit - 1, limit, limit + 1].map((n) => textOfTokens(model, n)));
    const vectors = await embedder.embedMany([below ?? '', at ?? ''], { prompt: noPrompt });
    assert.equal(vectors.length, 2);
    const received = options.receivedInputs?.().length ?? 0;
    await assert.rejects(embedder.embedMany([above ?? ''], { prompt: noPrompt }), assertTooLong);
    assert.equal(options.receivedInputs?.().length ?? 0, received, 'an over-long input must not reach the model');
    // …and by the engine itself, at its own limit: never an uncoded failure inside the engine.
    const [own, ownAbove] = await Promise.all(
      [model.maxInputTokens, model.maxInputTokens + 1].map((n) => textOfTokens(model, n)),
    );
    assert.equal((await model.embed({ values: [own ?? ''] })).embeddings.length, 1);
    await assert.rejects(model.embed({ values: [ownAbove ?? ''] }), assertTooLong);
  });
}
