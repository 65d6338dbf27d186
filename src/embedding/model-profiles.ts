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
  /** Similarity thresholds the seed design uses with this model (stage 1, stage 2). */
  defaultThresholds: { category: number; document: number };
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
  defaultThresholds: { category: 0.4, document: 0.4 },
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
  defaultThresholds: { category: 0.4, document: 0.4 },
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
