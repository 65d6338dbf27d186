import { refuseInputsOverLimit } from '../../embedding/input-limit.js';
import type { CountTokensOptions, EmbeddingModel, EmbedOptions, EmbedResult } from '../../spec/embedding-model.js';
import { throwIfAborted } from '../../spec/errors.js';
import { countGemmaTokens } from '../llama-cpp/gemma3-vocabulary.js';
import { lexicalFeatures } from './lexical-features.js';

export interface LexicalEmbeddingModelOptions {
  /** Vector length. Default 768, like EmbeddingGemma, so Matryoshka sizes work the same. */
  dimensions?: number;
  /** Input limit in Gemma 3 tokens. Default 8192; the model profile's limit (2048 for EmbeddingGemma) applies on top. */
  maxInputTokens?: number;
}

// The task-prompt scaffold means nothing to a bag of words and would make every query
// share features; the document title, on the other hand, is real content.
const taskPrompt = /^task: [^|]*\| query: /;
const documentScaffold = /^title: (.*?) \| text: /s;

function stripPromptScaffold(text: string): string {
  const title = documentScaffold.exec(text);
  if (title) {
    const titleText = title[1] === 'none' ? '' : title[1];
    return `${titleText}\n${text.slice(title[0].length)}`;
  }
  return text.replace(taskPrompt, '');
}

/** FNV-1a, 32 bits: fast, stable across platforms and releases, good enough spread. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Matryoshka-like layout: every feature is hashed into each of the nested blocks
 * [0,128), [128,256), [256,512), [512,768), so any prefix of 128, 256 or 512 values still
 * holds every feature (with more collisions), and truncation keeps similarities meaningful.
 */
function nestedBlocks(dimensions: number): Array<[start: number, size: number]> {
  const boundaries = [0, ...[128, 256, 512].filter((boundary) => boundary < dimensions), dimensions];
  return boundaries.slice(1).map((end, index) => {
    const start = boundaries[index] ?? 0;
    return [start, end - start];
  });
}

/**
 * A deterministic embedder that needs no model: hashed word, character-pair and trigram
 * features (CJK-aware) folded into a fixed-size vector. It is NOT EmbeddingGemma: it only
 * matches shared words, never meaning, and does not cross languages. It exists for
 * offline demos and for tests that need meaningful similarities without weights.
 */
export class LexicalEmbeddingModel implements EmbeddingModel {
  readonly engine = 'lexical';
  readonly label = 'lexical (not EmbeddingGemma)';
  readonly modelId = 'lexical-ngram-hash-v1';
  readonly dimensions: number;
  readonly fingerprint: string;
  readonly maxInputTokens: number;
  readonly maxEmbeddingsPerCall = 256;
  /**
   * Word overlap scores far lower than EmbeddingGemma's 0.4 scale. Measured on the example
   * knowledge base (zh/en/ja): relevant categories ≥ 0.08 and documents ≥ 0.14, unrelated
   * questions' documents ≤ 0.11 within the chosen category.
   */
  readonly suggestedThresholds = { category: 0.05, document: 0.12 };

  constructor(options: LexicalEmbeddingModelOptions = {}) {
    this.dimensions = options.dimensions ?? 768;
    this.fingerprint = `${this.modelId}/${this.dimensions}`;
    this.maxInputTokens = options.maxInputTokens ?? 8192;
  }

  /** Counts Gemma 3 tokens, so limits and chunk sizes mean what they mean for EmbeddingGemma. */
  async countTokens({ values, abortSignal }: CountTokensOptions): Promise<number[]> {
    throwIfAborted(abortSignal);
    return countGemmaTokens(values);
  }

  async embed({ values, abortSignal }: EmbedOptions): Promise<EmbedResult> {
    throwIfAborted(abortSignal);
    await refuseInputsOverLimit(values, this.maxInputTokens, countGemmaTokens, { who: this.label });
    return { embeddings: values.map((value) => this.embedOne(value)) };
  }

  private embedOne(text: string): Float32Array {
    const vector = new Float32Array(this.dimensions);
    const blocks = nestedBlocks(this.dimensions);
    for (const [feature, count] of lexicalFeatures(stripPromptScaffold(text))) {
      // Sub-linear term frequency: a word said ten times is not ten times as relevant.
      const weight = count <= 1 ? count : 1 + Math.log(count);
      let hash = fnv1a(feature);
      for (const [start, size] of blocks) {
        const sign = hash & 0x80000000 ? -1 : 1;
        const bucket = start + (hash % size);
        vector[bucket] = (vector[bucket] ?? 0) + sign * weight;
        hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) >>> 0;
      }
    }
    return vector;
  }

  async dispose(): Promise<void> {}
}
