import type { EmbeddingEngineId, GenerationEngineId, ResolvedRagConfig } from '../config.js';
import type { ModelProfile } from '../embedding/model-profiles.js';
import { type ResolveModelOptions, resolveModel } from '../models/model-resolver.js';
import type { EmbeddingModel } from '../spec/embedding-model.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { Logger } from '../spec/logger.js';

/** What engine factories may use besides the configuration. */
export interface EngineContext {
  config: ResolvedRagConfig;
  logger: Logger;
  /** Asked before downloading a missing model when `pull` is off; absent = never download. */
  confirmDownload?: ((uri: string) => Promise<boolean>) | undefined;
  onDownloadProgress?: ResolveModelOptions['onProgress'];
  /** Where model environment variables and GEMMA_RAG_HOME are read from. Default `process.env`. */
  environment?: NodeJS.ProcessEnv | undefined;
}

export interface LoadedEmbeddingModel {
  model: EmbeddingModel;
  /** The profile the model itself implies, when it can tell. */
  detectedProfile: ModelProfile | undefined;
}

function resolveOptions(context: EngineContext, role: 'embedding' | 'generation', reference: string | undefined) {
  return {
    role,
    reference,
    allowDownload: context.config.pull ? true : context.confirmDownload,
    onProgress: context.onDownloadProgress,
    environment: context.environment,
  } as const;
}

/**
 * The explicit map from engine id to factory. Engines are imported lazily so that using
 * one never loads another's native code.
 */
const embeddingEngines: Record<EmbeddingEngineId, (context: EngineContext) => Promise<LoadedEmbeddingModel>> = {
  lexical: async () => {
    const { LexicalEmbeddingModel } = await import('./lexical/lexical-embedding-model.js');
    return { model: new LexicalEmbeddingModel(), detectedProfile: undefined };
  },
  'llama-cpp': async (context) => {
    const { LlamaCppEmbeddingModel } = await import('./llama-cpp/llama-cpp-embedding-model.js');
    const modelPath = await resolveModel(resolveOptions(context, 'embedding', context.config.embeddingModel));
    const model = await LlamaCppEmbeddingModel.load({
      modelPath,
      threads: context.config.threads,
      gpu: context.config.gpu,
      allowMissingDense: context.config.allowMissingDense,
      onWarning: (message) => context.logger.warn(message),
    });
    return { model, detectedProfile: model.detectedProfile };
  },
};

const generationEngines: Record<GenerationEngineId, (context: EngineContext) => Promise<LanguageModel>> = {
  'llama-cpp': async (context) => {
    const { LlamaCppLanguageModel } = await import('./llama-cpp/llama-cpp-language-model.js');
    const modelPath = await resolveModel(resolveOptions(context, 'generation', context.config.generationModel));
    return LlamaCppLanguageModel.load({ modelPath, threads: context.config.threads, gpu: context.config.gpu });
  },
};

export function loadEmbeddingModel(context: EngineContext): Promise<LoadedEmbeddingModel> {
  return embeddingEngines[context.config.engine](context);
}

export function loadLanguageModel(context: EngineContext): Promise<LanguageModel> {
  return generationEngines[context.config.generationEngine](context);
}
