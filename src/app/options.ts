/**
 * What an edge (the CLI, the server) may offer people, and the parsers that check raw values
 * before any model loads. Each rule lives where it belongs (route.ts owns the routes, tags.ts
 * the tag rule, …); this module gathers them so that edges depend on the composition root
 * alone, never on the layers below it.
 */
export {
  embeddingEngineIds,
  generationEngineIds,
  type RagConfig,
  rankingEngineIds,
  rerankDefaults,
} from '../config.js';
export { conversationHistorySchema, conversationLimits } from '../conversation/conversation-history.js';
export { parseDimensions } from '../embedding/dimensions.js';
export { refuseEmptyInputs } from '../embedding/input-limit.js';
export {
  defaultModelProfile,
  defaultSupportThreshold,
  defaultThresholdsFor,
  type ModelProfile,
  type ModelProfileId,
  modelProfiles,
} from '../embedding/model-profiles.js';
export { documentPrompt, type PromptChoice } from '../embedding/prompts.js';
export { encodeVector } from '../embedding/vector-codec.js';
export { parseTransformersDtype } from '../engines/transformers/model-source.js';
export { supportedExtensions } from '../knowledge/loaders/loader-registry.js';
export { defaultParseLimits, type ParseLimits } from '../knowledge/loaders/parse-limits.js';
export { parseOcrLanguages } from '../knowledge/ocr/ocr-languages.js';
export { parseGivenTags } from '../knowledge/tags.js';
export {
  defaultRouteName,
  type FilterRequest,
  filterRequest,
  maxTopK,
  type RouteName,
  type RouteRequest,
  routeNames,
  routeRequestSchema,
} from '../retrieval/route.js';
export { defaultPostgresSchema, displayLocation, type KnowledgeLocation } from '../stores/knowledge-location.js';
export type { WriteLockWait } from '../stores/open-knowledge-store.js';
