/**
 * gemma-rag's public API: the `Rag` verbs, the interfaces an engine or store implements,
 * and the errors. The main flow:
 *
 *   await using rag = await createRag({ engine: 'llama-cpp' });          // composition root: app/rag.ts
 *   const index = await rag.index(await loadKnowledgeBaseFile(path));    // embed categories + documents
 *   const result = await rag.ask(index, '如何重置密码？');                 // condense → retrieve (hybrid by default) → grounded answer
 *
 * Stores are opened by the composition root (`rag.open`, `rag.openForWriting`) from a
 * location string (a file path or a postgres:// URL), never constructed by callers.
 */

// The verbs (app/)
export {
  type AskOptions,
  type AskResult,
  createRag,
  Rag,
  type RagDependencies,
  type RetrieveRequest,
  type WatchRequest,
} from './app/rag.js';
export { embeddingEngineIds, generationEngineIds, type RagConfig, ragConfigSchema } from './config.js';
export type { CondensedQuestion } from './conversation/condense-question.js';
export { type ConversationTurn, conversationLimits } from './conversation/conversation-history.js';
// EmbeddingGemma semantics, whatever engine runs it
export { Embedder, type EmbedderOptions, type EmbedManyOptions } from './embedding/embedder.js';
export {
  embeddingGemma,
  embeddingGemma2,
  type ModelProfile,
  type ModelProfileId,
  modelProfiles,
} from './embedding/model-profiles.js';
export { documentPrompt, namedPrompt, type PromptChoice, resolvePromptPrefix } from './embedding/prompts.js';
export { cosineSimilarity, l2Normalize, truncateMatryoshka } from './embedding/vector-math.js';
export type { FolderWatch, WatchChange } from './ingest/watch-folders.js';
// The knowledge base format
export {
  type KnowledgeBase,
  type KnowledgeCategory,
  type KnowledgeDocument,
  knowledgeBaseSchema,
} from './knowledge/knowledge-base.js';
export {
  exampleKnowledgeBasePath,
  loadKnowledgeBaseFile,
  parseKnowledgeBase,
} from './knowledge/load-knowledge-base.js';
export { modelCatalog } from './models/model-catalog.js';
export type { KnowledgeIndex } from './retrieval/knowledge-index.js';
export type { RetrievalResult, ScoredCategory, ScoredDocument } from './retrieval/retrieval-result.js';
// Interfaces (spec/): what an engine or a store implements
export type { LoadedDocument } from './spec/document-loader.js';
export type { CountTokensOptions, EmbeddingModel, EmbedOptions, EmbedResult } from './spec/embedding-model.js';
export type { EmbeddingStamp } from './spec/embedding-stamp.js';
export { type ErrorCode, errorCodes, GemmaRagError } from './spec/errors.js';
export type {
  CategorySummary,
  DocumentDetails,
  DocumentSummary,
  IntegrityReport,
  KnowledgeAdmin,
  SearchDescription,
} from './spec/knowledge-admin.js';
export type { KnowledgeStore, SearchableKnowledge } from './spec/knowledge-store.js';
export type {
  DocumentWrite,
  KnowledgeWriter,
  Reembedding,
  StoredCategory,
  StoredChunk,
} from './spec/knowledge-writer.js';
export type { ChatMessage, GenerateOptions, LanguageModel } from './spec/language-model.js';
export type { Logger } from './spec/logger.js';
export type { RankingModel } from './spec/ranking-model.js';
export type { StageProgress } from './spec/stage-progress.js';
export type { VectorRecord, VectorSearchHit, VectorSearchOptions, VectorStore } from './spec/vector-store.js';
export { type KnowledgeLocation, maskPassword, parseKnowledgeLocation } from './stores/knowledge-location.js';
