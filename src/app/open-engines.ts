import { type RagConfig, type ResolvedRagConfig, ragConfigSchema } from '../config.js';
import { CachingEmbeddingModel } from '../embedding/caching-embedding-model.js';
import { Embedder } from '../embedding/embedder.js';
import { defaultModelProfile, type ModelProfile, modelProfiles } from '../embedding/model-profiles.js';
import { isolatedEngines } from '../engines/isolated/isolated-engines.js';
import { type EngineContext, type EngineLoaders, inProcessEngines } from '../engines/registry.js';
import type { Thresholds } from '../retrieval/refusal-gate.js';
import type { RerankSettings } from '../retrieval/rerank.js';
import type { ExplicitThresholds } from '../retrieval/threshold-policy.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { type Logger, silentLogger } from '../spec/logger.js';
import { parseWithCode } from '../util/validation.js';
import type { RagDependencies } from './rag-requests.js';

export interface OpenedEngines {
  config: ResolvedRagConfig;
  context: EngineContext;
  engines: EngineLoaders;
  embedder: Embedder;
  /** Thresholds given in the configuration; each overrides calibrated and default ones. */
  explicitThresholds: ExplicitThresholds;
  /** The engine's own thresholds (the lexical stand-in's score scale), if it has any. */
  engineThresholds: Thresholds | undefined;
  rerank: RerankSettings | undefined;
}

/**
 * A configuration turned into loaded engines: where they run (this process, an isolated
 * child, or a test's own), the embedding model with its profile and size, the reranker.
 * The language model loads later, on first use. Nothing is left loaded when this throws.
 */
export async function openEngines(config: RagConfig, dependencies: RagDependencies): Promise<OpenedEngines> {
  const resolved = parseWithCode(ragConfigSchema, config, 'configuration');
  const context: EngineContext = {
    config: resolved,
    logger: dependencies.logger ?? silentLogger,
    confirmDownload: dependencies.confirmDownload,
    onDownloadProgress: dependencies.onDownloadProgress,
    onModelLoad: dependencies.onModelLoad,
    environment: dependencies.environment,
  };
  const engines = dependencies.engines ?? (dependencies.isolateEngines ? isolatedEngines() : inProcessEngines);
  const loaded = await engines.loadEmbeddingModel(context);
  const { detectedProfile } = loaded;
  const caching = dependencies.cacheEmbeddings;
  const model = caching
    ? new CachingEmbeddingModel(loaded.model, typeof caching === 'object' ? caching : {})
    : loaded.model;
  let rankingModel: Awaited<ReturnType<EngineLoaders['loadRankingModel']>>;
  try {
    rankingModel = await engines.loadRankingModel(context);
    const profile = chooseProfile(resolved, detectedProfile, context.logger);
    const embedder = new Embedder({ model, profile, dimensions: resolved.dimensions });
    const explicit = {
      ...(resolved.categoryThreshold === undefined ? {} : { category: resolved.categoryThreshold }),
      ...(resolved.documentThreshold === undefined ? {} : { document: resolved.documentThreshold }),
      ...(resolved.supportThreshold === undefined
        ? {}
        : { support: resolved.supportThreshold === false ? null : resolved.supportThreshold }),
    };
    const rerank = rankingModel && {
      model: rankingModel,
      top: resolved.rerankTop,
      threshold: resolved.rerankThreshold,
    };
    return {
      config: resolved,
      context,
      engines,
      embedder,
      explicitThresholds: explicit,
      engineThresholds: model.suggestedThresholds,
      rerank,
    };
  } catch (error) {
    await Promise.allSettled([model.dispose(), rankingModel?.dispose()]);
    throw error;
  }
}

function chooseProfile(config: ResolvedRagConfig, detected: ModelProfile | undefined, logger: Logger): ModelProfile {
  const explicit = config.modelProfile ? modelProfiles[config.modelProfile] : undefined;
  if (explicit && detected && explicit.id !== detected.id) {
    logger.warn(
      `The model looks like ${detected.displayName}, but --model-profile ${explicit.id} was given; using ${explicit.id}.`,
    );
  }
  // The lexical stand-in and model servers cannot tell which EmbeddingGemma they run:
  // EmbeddingGemma (the seed's) unless --model-profile says otherwise.
  const profile = explicit ?? detected ?? (config.engine === 'llama-cpp' ? undefined : defaultModelProfile);
  if (!profile) {
    throw new GemmaRagError(
      errorCodes.modelIncompatible,
      `Cannot tell which embedding model family ${config.embeddingModel ?? 'the model'} belongs to; pass --model-profile embeddinggemma or embeddinggemma-2.`,
    );
  }
  return profile;
}
