/**
 * gemma-rag's public API. The main flow, in order:
 *
 *   const rag = await createRag({ engine: 'llama-cpp' });        // composition root: rag.ts
 *   const index = await rag.index(await loadKnowledgeBaseFile(path)); // embed categories + documents
 *   const result = await rag.ask(index, '如何重置密码？');          // two stages, then a grounded answer
 *
 * Capabilities are small interfaces (spec/); engines and stores implement them.
 */

export { groundedMessages } from './answer/grounded-prompt.js';
export { type AskOptions, type AskResult, createRag, Rag, type RagDependencies } from './app/rag.js';
export { embeddingEngineIds, generationEngineIds, type RagConfig, ragConfigSchema } from './config.js';
export type { CondensedQuestion } from './conversation/condense-question.js';
export { type ConversationTurn, conversationLimits } from './conversation/conversation-history.js';
// EmbeddingGemma semantics, whatever engine runs it (embedding/)
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
// Engines and stores, for callers who wire their own pipeline
export { LexicalEmbeddingModel } from './engines/lexical/lexical-embedding-model.js';
export { LlamaCppEmbeddingModel } from './engines/llama-cpp/llama-cpp-embedding-model.js';
export { LlamaCppLanguageModel } from './engines/llama-cpp/llama-cpp-language-model.js';
// Knowledge base, retrieval, answers
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
export { resolveModel } from './models/model-resolver.js';
export { KnowledgeIndex } from './retrieval/knowledge-index.js';
export type { RetrievalResult, ScoredCategory, ScoredDocument } from './retrieval/retrieval-result.js';
// Interfaces (spec/)
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
export type { VectorRecord, VectorSearchHit, VectorSearchOptions, VectorStore } from './spec/vector-store.js';
export { type KnowledgeLocation, maskPassword, parseKnowledgeLocation } from './stores/knowledge-location.js';
export { MemoryVectorStore } from './stores/memory/memory-vector-store.js';
export { type OpenKnowledgeStoreOptions, openKnowledgeStore } from './stores/open-knowledge-store.js';
export { SqliteKnowledgeBase } from './stores/sqlite/sqlite-knowledge-base.js';
export { SqliteVectorStore, type SqliteVectorStoreOptions } from './stores/sqlite/sqlite-vector-store.js';
export { VectorIndex, type VectorIndexOptions } from './stores/vector-index/vector-index.js';
