import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FakeModelServer } from '../../test/fixtures/fake-model-server.js';
import { Embedder } from '../embedding/embedder.js';
import { embeddingGemma, embeddingGemma2 } from '../embedding/model-profiles.js';
import { LexicalEmbeddingModel } from '../engines/lexical/lexical-embedding-model.js';
import { OllamaEmbeddingModel } from '../engines/ollama/ollama-embedding-model.js';
import { OpenAiCompatibleEmbeddingModel } from '../engines/openai-compatible/openai-compatible-embedding-model.js';
import type { CountTokensOptions, EmbeddingModel, EmbedOptions, EmbedResult } from '../spec/embedding-model.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { compareEmbedders, defaultComparisonTexts } from './compare-engines.js';
import {
  checkModelCardReference,
  evaluateReference,
  modelCardReference,
  precisionFromLabel,
} from './model-card-reference.js';

let server: FakeModelServer;

before(async () => {
  server = await FakeModelServer.start();
});

after(async () => {
  await server?.close();
});

const embedderFor = (model: EmbeddingModel, dimensions?: number) =>
  new Embedder({ model, profile: embeddingGemma, dimensions });

test('two engines computing the same vectors agree (Ollama and OpenAI-compatible on one server)', async () => {
  const ollama = await OllamaEmbeddingModel.create({ baseUrl: server.baseUrl });
  const openAi = await OpenAiCompatibleEmbeddingModel.create({ baseUrl: server.baseUrl, model: 'embeddinggemma' });
  const report = await compareEmbedders(embedderFor(ollama), embedderFor(openAi));
  assert.equal(report.passed, true);
  assert.ok(report.minCosine > 0.99999, String(report.minCosine));
  assert.equal(report.texts.length, defaultComparisonTexts.length);
  assert.equal(report.texts[0]?.promptPrefix, 'task: search result | query: ');
  assert.equal(report.texts[1]?.promptPrefix, 'title: none | text: ');
  assert.equal(report.left, 'ollama embeddinggemma');
});

test("two engines that disagree fail, with each text's cosine", async () => {
  const ollama = await OllamaEmbeddingModel.create({ baseUrl: server.baseUrl });
  const report = await compareEmbedders(embedderFor(new LexicalEmbeddingModel()), embedderFor(ollama));
  assert.equal(report.passed, false);
  assert.ok(report.minCosine < 0.5, String(report.minCosine));
  assert.equal(report.minCosine, Math.min(...report.texts.map((text) => text.cosine)));
});

test('engines are compared only with the same profile and size', async () => {
  const lexical = new LexicalEmbeddingModel();
  const reject = (promise: Promise<unknown>, code: string) =>
    assert.rejects(promise, (error: unknown) => GemmaRagError.isInstance(error) && error.code === code);
  await reject(
    compareEmbedders(embedderFor(lexical), new Embedder({ model: lexical, profile: embeddingGemma2 })),
    errorCodes.invalidArgument,
  );
  await reject(compareEmbedders(embedderFor(lexical), embedderFor(lexical, 256)), errorCodes.invalidDimensions);
});

/**
 * Returns scripted vectors for the exact prompted strings of the model-card example, so that
 * the query's cosine with document i is `targets[i]`; any other input is an error (which
 * also proves the check uses the card's prompts).
 */
class ScriptedReferenceModel implements EmbeddingModel {
  readonly engine = 'scripted';
  readonly label = 'scripted';
  readonly modelId = 'scripted';
  readonly fingerprint = 'scripted';
  readonly dimensions = 768;
  readonly maxInputTokens = 2048;
  readonly maxEmbeddingsPerCall = 8;
  private readonly vectors = new Map<string, Float32Array>();

  constructor(targets: readonly number[]) {
    const query = new Float32Array(768);
    query[0] = 1;
    this.vectors.set(`task: search result | query: ${modelCardReference.query}`, query);
    modelCardReference.documents.forEach((document, index) => {
      const target = targets[index] ?? 0;
      const vector = new Float32Array(768);
      vector[0] = target;
      vector[index + 1] = Math.sqrt(1 - target * target);
      this.vectors.set(`title: none | text: ${document}`, vector);
    });
  }

  async countTokens({ values }: CountTokensOptions): Promise<number[]> {
    return values.map(() => 10);
  }

  async embed({ values }: EmbedOptions): Promise<EmbedResult> {
    return {
      embeddings: values.map((value) => {
        const vector = this.vectors.get(value);
        if (!vector) throw new Error(`unexpected input: ${value}`);
        return vector;
      }),
    };
  }

  async dispose(): Promise<void> {}
}

test("reference check: the card's similarities pass at every precision", async () => {
  const embedder = embedderFor(new ScriptedReferenceModel(modelCardReference.similarities));
  for (const precision of ['fp32', 'bf16', 'q8', 'q4'] as const) {
    const result = await checkModelCardReference(embedder, { precision });
    assert.ok(result.applicable);
    assert.equal(result.passed, true, result.problems.join('; '));
    assert.ok(result.maxDeviation < 1e-6);
    assert.equal(result.bestDocument, 1);
  }
});

test('reference check: a 0.02 drift fails for fp32/q8 (±0.01) and passes for q4 (±0.03)', async () => {
  const drifted = modelCardReference.similarities.map((value, index) => (index === 2 ? value + 0.02 : value));
  const embedder = embedderFor(new ScriptedReferenceModel(drifted));
  const strict = await checkModelCardReference(embedder, { precision: 'fp32' });
  assert.ok(strict.applicable);
  assert.equal(strict.passed, false);
  assert.match(strict.problems.join('\n'), /document 3: 0\.5130 instead of 0\.4930 \(±0\.01\)/);
  const lenient = await checkModelCardReference(embedder, { precision: 'q4' });
  assert.ok(lenient.applicable && lenient.passed, JSON.stringify(lenient));
});

test('reference check: the wrong winner fails whatever the tolerance; wrong counts and NaN fail', () => {
  const wrongWinner = evaluateReference([0.7, 0.6359, 0.493, 0.4889], 'q4');
  assert.ok(wrongWinner.applicable);
  assert.equal(wrongWinner.passed, false);
  assert.match(wrongWinner.problems.join('\n'), /document 1 ranked first/);
  const short = evaluateReference([0.3011, 0.6359], 'q4');
  assert.ok(short.applicable && !short.passed);
  const nan = evaluateReference([0.3011, Number.NaN, 0.493, 0.4889], 'q4');
  assert.ok(nan.applicable && !nan.passed);
});

test('reference check: not applicable to EmbeddingGemma 2 or truncated vectors', async () => {
  const model = new ScriptedReferenceModel(modelCardReference.similarities);
  const second = await checkModelCardReference(new Embedder({ model, profile: embeddingGemma2 }), { precision: 'q8' });
  assert.equal(second.applicable, false);
  const truncated = await checkModelCardReference(embedderFor(model, 256), { precision: 'q8' });
  assert.equal(truncated.applicable, false);
});

test('precision labels from GGUF, ONNX and Ollama; fp16 is not a precision we accept', () => {
  const cases: Array<[string | undefined, string | undefined]> = [
    ['F32', 'fp32'],
    ['fp32', 'fp32'],
    ['BF16', 'bf16'],
    ['Q8_0', 'q8'],
    ['quantized', 'q8'],
    ['Q4_0', 'q4'],
    ['Q4_K_M', 'q4'],
    ['q4', 'q4'],
    ['F16', undefined],
    ['fp16', undefined],
    [undefined, undefined],
  ];
  for (const [label, expected] of cases) assert.equal(precisionFromLabel(label), expected, String(label));
});
