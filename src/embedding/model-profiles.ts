/**
 * What is true of an embedding model whatever engine runs it. Prompt tables differ between
 * EmbeddingGemma and EmbeddingGemma 2, so they live here rather than in global constants.
 * Sources: the models' Hugging Face cards and sentence-transformers configs (see FACTS.md).
 */
export interface ModelProfile {
  id: ModelProfileId;
  displayName: string;
  /** Named prompts exactly as the model's sentence-transformers config lists them. */
  prompts: Readonly<Record<string, string>>;
  /** Prompts the model card documents without a name, addressable by these names where the table lacks them. */
  extraPrompts: Readonly<Record<string, string>>;
  /** Input limit in tokens, prompt and special tokens included. */
  maxInputTokens: number;
  nativeDimensions: number;
  /** Truncation sizes the model was trained for; any d ≤ native works, these are the tested ones. */
  matryoshkaDimensions: readonly number[];
  /** EmbeddingGemma ends in two Dense layers; many GGUF conversions silently drop them. */
  requiresDenseLayers: boolean;
  /** llama.cpp `general.architecture` of this model's GGUF conversions. */
  ggufArchitecture: string;
  /** Similarity thresholds by route when none are given or calibrated (see `defaultThresholdsFor`). */
  defaultThresholds: ProfileThresholds;
}

export interface ProfileThresholds {
  /** The seed design's gates for the two-stage route (stage 1, stage 2). */
  twoStage: { category: number; document: number };
  /**
   * The document gate of the flat routes (flat, hybrid) by Matryoshka output size. Truncated
   * vectors score unrelated text higher, so smaller sizes need a higher gate.
   */
  flatDocumentBySize: Readonly<Record<number, number>>;
  /**
   * The support gate of every route, by output size: after a document passes its gate, one of
   * the sentences given to the model must reach this cosine with the question (Retrieval
   * prompts), or the question is refused. A paragraph about another topic often clears the
   * document gate on shared words; none of its sentences says what was asked.
   */
  supportBySize: Readonly<Record<number, number>>;
  /**
   * The answer's source check, by output size: an answer whose own words come only from context
   * sentences below this cosine with the question is withdrawn (answer/answer-sources.ts). The
   * sentence that answers is near the question; a planted order is far from it.
   */
  sourceBySize: Readonly<Record<number, number>>;
  /** Where the numbers come from, for docs and `--explain`. */
  source: string;
}

/**
 * The thresholds a route uses by default at an output size. Sizes between the measured ones take
 * the next larger measured size's gate (the more permissive of the two neighbours).
 */
export function defaultThresholdsFor(
  profile: ModelProfile,
  stages: 'two-stage' | 'flat',
  dimensions: number,
): { category: number; document: number } {
  const { twoStage, flatDocumentBySize } = profile.defaultThresholds;
  if (stages === 'two-stage') return { ...twoStage };
  return { category: twoStage.category, document: atSize(flatDocumentBySize, dimensions) ?? twoStage.document };
}

/** The support gate at an output size (sizes between measured ones as in `defaultThresholdsFor`). */
export function defaultSupportThreshold(profile: ModelProfile, dimensions: number): number | null {
  return atSize(profile.defaultThresholds.supportBySize, dimensions) ?? null;
}

/** The source check's floor at an output size (sizes between measured ones as in `defaultThresholdsFor`). */
export function defaultSourceFloor(profile: ModelProfile, dimensions: number): number | null {
  return atSize(profile.defaultThresholds.sourceBySize, dimensions) ?? null;
}

/** The value for the next larger measured size, else the largest one's. */
function atSize(table: Readonly<Record<number, number>>, dimensions: number): number | undefined {
  const sizes = Object.keys(table)
    .map(Number)
    .sort((left, right) => left - right);
  const size = sizes.find((candidate) => candidate >= dimensions) ?? sizes.at(-1);
  return size === undefined ? undefined : table[size];
}

export type ModelProfileId = 'embeddinggemma' | 'embeddinggemma-2';

const searchQuery = 'task: search result | query: ';
const documentPrefix = 'title: none | text: ';
const classification = 'task: classification | query: ';
const clustering = 'task: clustering | query: ';
const sentenceSimilarity = 'task: sentence similarity | query: ';
const codeRetrieval = 'task: code retrieval | query: ';
const questionAnswering = 'task: question answering | query: ';
const factChecking = 'task: fact checking | query: ';

/**
 * The answer's source check by size, measured on EmbeddingGemma-300M at 768 (docs/answers.md,
 * "The source check"); smaller sizes keep the support gate's distance below it.
 */
const sourceFloorsBySize = { 128: 0.37, 256: 0.31, 512: 0.27, 768: 0.25 };

export const embeddingGemma: ModelProfile = {
  id: 'embeddinggemma',
  displayName: 'EmbeddingGemma (google/embeddinggemma-300m)',
  prompts: {
    query: searchQuery,
    document: documentPrefix,
    BitextMining: searchQuery,
    Clustering: clustering,
    Classification: classification,
    InstructionRetrieval: codeRetrieval,
    MultilabelClassification: classification,
    PairClassification: sentenceSimilarity,
    Reranking: searchQuery,
    Retrieval: searchQuery,
    'Retrieval-query': searchQuery,
    'Retrieval-document': documentPrefix,
    STS: sentenceSimilarity,
    Summarization: 'task: summarization | query: ',
  },
  extraPrompts: {
    QuestionAnswering: questionAnswering,
    FactChecking: factChecking,
  },
  maxInputTokens: 2048,
  nativeDimensions: 768,
  matryoshkaDimensions: [768, 512, 256, 128],
  requiresDenseLayers: true,
  ggufArchitecture: 'gemma-embedding',
  defaultThresholds: {
    twoStage: { category: 0.4, document: 0.4 },
    // Measured on real EmbeddingGemma-300M Q8_0 vectors: XQuAD en, zh, zh→en and a knowledge base
    // in the seed's shape (bench/route-study.ts; docs/routes.md has the tables).
    flatDocumentBySize: { 128: 0.38, 256: 0.34, 512: 0.3, 768: 0.3 },
    // XQuAD en (seed 1) chose 768's; en seed 2, zh and zh→en checked it; smaller sizes from the
    // same runs' truncated vectors (docs/answers.md, "The support gate").
    supportBySize: { 128: 0.5, 256: 0.44, 512: 0.4, 768: 0.38 },
    sourceBySize: sourceFloorsBySize,
    source: 'measured on EmbeddingGemma-300M (docs/routes.md, docs/answers.md)',
  },
};

export const embeddingGemma2: ModelProfile = {
  id: 'embeddinggemma-2',
  displayName: 'EmbeddingGemma 2 (google/embeddinggemma-2)',
  prompts: {
    query: searchQuery,
    'Retrieval-query': searchQuery,
    Retrieval: searchQuery,
    Reranking: searchQuery,
    BitextMining: searchQuery,
    SearchQuery: searchQuery,
    document: documentPrefix,
    Document: documentPrefix,
    'Retrieval-document': documentPrefix,
    Classification: classification,
    MultilabelClassification: classification,
    Clustering: clustering,
    CodeRetrieval: codeRetrieval,
    InstructionRetrieval: codeRetrieval,
    FactChecking: factChecking,
    QuestionAnswering: questionAnswering,
    STS: sentenceSimilarity,
    SentenceSimilarity: sentenceSimilarity,
    PairClassification: sentenceSimilarity,
    // Differs from EmbeddingGemma 1, which has a dedicated summarization task.
    Summarization: sentenceSimilarity,
  },
  extraPrompts: {},
  // The config files allow more; the model card's tested limit is 8K.
  maxInputTokens: 8192,
  nativeDimensions: 768,
  matryoshkaDimensions: [768, 512, 256, 128],
  requiresDenseLayers: false,
  ggufArchitecture: 'gemma-embedding2',
  defaultThresholds: {
    twoStage: { category: 0.4, document: 0.4 },
    // No EmbeddingGemma 2 weights could be had to measure these: EmbeddingGemma's, until
    // `gemma-rag calibrate` says otherwise for a knowledge base.
    flatDocumentBySize: { 128: 0.38, 256: 0.34, 512: 0.3, 768: 0.3 },
    supportBySize: { 128: 0.5, 256: 0.44, 512: 0.4, 768: 0.38 },
    sourceBySize: sourceFloorsBySize,
    source: 'not measured: EmbeddingGemma-300M values (docs/routes.md, docs/answers.md)',
  },
};

export const modelProfiles: Readonly<Record<ModelProfileId, ModelProfile>> = {
  embeddinggemma: embeddingGemma,
  'embeddinggemma-2': embeddingGemma2,
};

export const defaultModelProfile = embeddingGemma;

export function isModelProfileId(value: string): value is ModelProfileId {
  return Object.hasOwn(modelProfiles, value);
}

/** The profile whose GGUF architecture this is, if any. */
export function profileForGgufArchitecture(architecture: string): ModelProfile | undefined {
  return Object.values(modelProfiles).find((profile) => profile.ggufArchitecture === architecture);
}
