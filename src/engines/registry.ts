import {
  type EmbeddingEngineId,
  type GenerationEngineId,
  generationEngineIds,
  type RankingEngineId,
  type ResolvedRagConfig,
} from '../config.js';
import type { ModelProfile } from '../embedding/model-profiles.js';
import { type ResolveModelOptions, resolveModel } from '../models/model-resolver.js';
import type { EmbeddingModel } from '../spec/embedding-model.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { Logger } from '../spec/logger.js';
import type { ModelLoadProgress } from '../spec/model-load-progress.js';
import type { RankingModel } from '../spec/ranking-model.js';
import type { GenerationModelFacts } from './llama-cpp/generation-model-facts.js';

/** What engine factories may use besides the configuration. */
export interface EngineContext {
  config: ResolvedRagConfig;
  logger: Logger;
  /** Asked before downloading a missing model when `pull` is off; absent = never download. */
  confirmDownload?: ((uri: string) => Promise<boolean>) | undefined;
  onDownloadProgress?: ResolveModelOptions['onProgress'];
  /** Loading a model's weights into memory (in-process llama-cpp only), from 0 to 1. */
  onModelLoad?: ((progress: ModelLoadProgress) => void) | undefined;
  /** Where model environment variables and GEMMA_RAG_HOME are read from. Default `process.env`. */
  environment?: NodeJS.ProcessEnv | undefined;
}

export interface LoadedEmbeddingModel {
  model: EmbeddingModel;
  /** The profile the model itself implies, when it can tell. */
  detectedProfile: ModelProfile | undefined;
}

function resolveOptions(
  context: EngineContext,
  role: 'embedding' | 'generation' | 'reranking',
  reference: string | undefined,
) {
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
  ollama: async (context) => {
    const { OllamaEmbeddingModel } = await import('./ollama/ollama-embedding-model.js');
    const { ollamaBaseUrlFromEnvironment } = await import('./ollama/ollama-settings.js');
    const model = await OllamaEmbeddingModel.create({
      baseUrl: context.config.baseUrl ?? ollamaBaseUrlFromEnvironment(environmentOf(context)),
      model: context.config.embeddingModel,
    });
    return { model, detectedProfile: undefined };
  },
  'openai-compatible': async (context) => {
    const { OpenAiCompatibleEmbeddingModel } = await import('./openai-compatible/openai-compatible-embedding-model.js');
    const baseUrl = openAiCompatibleBaseUrl(context);
    const model = await OpenAiCompatibleEmbeddingModel.create({
      baseUrl,
      apiKey: await openAiCompatibleKey(context, baseUrl),
      model: context.config.embeddingModel,
    });
    return { model, detectedProfile: undefined };
  },
  lexical: async () => {
    const { LexicalEmbeddingModel } = await import('./lexical/lexical-embedding-model.js');
    return { model: new LexicalEmbeddingModel(), detectedProfile: undefined };
  },
  'llama-cpp': async (context) => {
    const { LlamaCppEmbeddingModel } = await import('./llama-cpp/llama-cpp-embedding-model.js');
    const modelPath = await resolveModel(resolveOptions(context, 'embedding', context.config.embeddingModel));
    const model = await reportingLoad(context, 'embedding', modelPath, (onLoadProgress) =>
      LlamaCppEmbeddingModel.load({
        modelPath,
        threads: context.config.threads,
        gpu: context.config.gpu,
        allowMissingDense: context.config.allowMissingDense,
        onWarning: (message) => context.logger.warn(message),
        onLoadProgress,
      }),
    );
    return { model, detectedProfile: model.detectedProfile };
  },
  transformers: async (context) => {
    const { TransformersEmbeddingModel } = await import('./transformers/transformers-embedding-model.js');
    const model = await TransformersEmbeddingModel.load({
      ...transformersOptions(context, 'embedding'),
      model: transformersReference(context, 'embedding'),
      dtype: context.config.dtype,
    });
    return { model, detectedProfile: model.detectedProfile };
  },
};

const generationEngines: Record<GenerationEngineId, (context: EngineContext) => Promise<LanguageModel>> = {
  'llama-cpp': async (context) => {
    const { LlamaCppLanguageModel } = await import('./llama-cpp/llama-cpp-language-model.js');
    const { generationModelWarning } = await import('./llama-cpp/generation-model-facts.js');
    const modelPath = await resolveModel(resolveOptions(context, 'generation', context.config.generationModel));
    const model = await reportingLoad(context, 'generation', modelPath, (onLoadProgress) =>
      LlamaCppLanguageModel.load({
        modelPath,
        threads: context.config.threads,
        gpu: context.config.gpu,
        onLoadProgress,
      }),
    );
    // Once per load: a pretrained model "answers" by continuing the prompt, which looks like a bug in gemma-rag.
    const warning = generationModelWarning(modelPath, model.facts);
    if (warning) context.logger.warn(warning);
    return model;
  },
  // HTTP engines: model names belong to the server; nothing is resolved or downloaded here.
  ollama: async (context) => {
    const { OllamaLanguageModel } = await import('./ollama/ollama-language-model.js');
    const { ollamaBaseUrlFromEnvironment } = await import('./ollama/ollama-settings.js');
    const { config } = context;
    return new OllamaLanguageModel({
      baseUrl: config.generationBaseUrl ?? config.baseUrl ?? ollamaBaseUrlFromEnvironment(environmentOf(context)),
      model: config.generationModel,
    });
  },
  'openai-compatible': async (context) => {
    const { OpenAiCompatibleLanguageModel } = await import('./openai-compatible/openai-compatible-language-model.js');
    const baseUrl = context.config.generationBaseUrl ?? openAiCompatibleBaseUrl(context);
    return OpenAiCompatibleLanguageModel.create({
      baseUrl,
      apiKey: await openAiCompatibleKey(context, baseUrl),
      model: context.config.generationModel,
    });
  },
  transformers: async (context) => {
    const { TransformersLanguageModel } = await import('./transformers/transformers-language-model.js');
    // Answers use q4 (what the Gemma ONNX model cards run in Node); --dtype is the embedding model's.
    return TransformersLanguageModel.load({
      ...transformersOptions(context, 'generation'),
      model: transformersReference(context, 'generation'),
    });
  },
};

const rankingEngines: Record<RankingEngineId, (context: EngineContext, model: string) => Promise<RankingModel>> = {
  'llama-cpp': async (context, model) => {
    const { LlamaCppRankingModel } = await import('./llama-cpp/llama-cpp-ranking-model.js');
    const modelPath = await resolveModel(resolveOptions(context, 'reranking', model));
    return LlamaCppRankingModel.load({ modelPath, threads: context.config.threads, gpu: context.config.gpu });
  },
  'openai-compatible': async (context, model) => {
    const { OpenAiCompatibleRankingModel } = await import('./openai-compatible/openai-compatible-ranking-model.js');
    const baseUrl = context.config.rerankBaseUrl ?? openAiCompatibleBaseUrl(context);
    return OpenAiCompatibleRankingModel.create({
      baseUrl,
      apiKey: await openAiCompatibleKey(context, baseUrl),
      model,
      scores: context.config.rerankScores,
    });
  },
};

/**
 * Loads a model with its progress reported from 0 (before the runtime and the file are read)
 * to 1 (ready, contexts made), so a person sees what the first seconds are spent on.
 */
async function reportingLoad<T>(
  context: EngineContext,
  role: ModelLoadProgress['role'],
  model: string,
  load: (onLoadProgress: (fraction: number) => void) => Promise<T>,
): Promise<T> {
  const report = (fraction: number) => context.onModelLoad?.({ role, model, fraction });
  report(0);
  const loaded = await load((fraction) => report(Math.min(fraction, 0.99)));
  report(1);
  return loaded;
}

/** A repository id or folder for the transformers engine: the flag, then the role's environment variable, then the default. */
function transformersReference(context: EngineContext, role: 'embedding' | 'generation'): string | undefined {
  const environment = environmentOf(context);
  return role === 'embedding'
    ? context.config.embeddingModel || environment.GEMMA_RAG_EMBEDDING_MODEL || undefined
    : context.config.generationModel || environment.GEMMA_RAG_GENERATION_MODEL || undefined;
}

function transformersOptions(context: EngineContext, role: 'embedding' | 'generation') {
  const { allowDownload, onProgress, environment } = resolveOptions(context, role, undefined);
  return { allowDownload, onProgress, environment, threads: context.config.threads };
}

function environmentOf(context: EngineContext): NodeJS.ProcessEnv {
  return context.environment ?? process.env;
}

function openAiCompatibleBaseUrl(context: EngineContext): string | undefined {
  return context.config.baseUrl ?? environmentOf(context).GEMMA_RAG_BASE_URL;
}

async function openAiCompatibleKey(context: EngineContext, baseUrl: string | undefined): Promise<string | undefined> {
  if (context.config.apiKey) return context.config.apiKey;
  const { apiKeyFromEnvironment, defaultOpenAiCompatibleBaseUrl } = await import(
    './openai-compatible/openai-compatible-settings.js'
  );
  return apiKeyFromEnvironment(baseUrl ?? defaultOpenAiCompatibleBaseUrl, environmentOf(context));
}

export function loadEmbeddingModel(context: EngineContext): Promise<LoadedEmbeddingModel> {
  return embeddingEngines[context.config.engine](context);
}

/** The answering engine: as configured, else the embedding engine when it can generate, else llama-cpp. */
export function generationEngineFor(config: ResolvedRagConfig): GenerationEngineId {
  if (config.generationEngine) return config.generationEngine;
  return (generationEngineIds as readonly string[]).includes(config.engine)
    ? (config.engine as GenerationEngineId)
    : 'llama-cpp';
}

export function loadLanguageModel(context: EngineContext): Promise<LanguageModel> {
  return generationEngines[generationEngineFor(context.config)](context);
}

/** The reranker, when one is configured (`rerankModel`); undefined otherwise. */
export async function loadRankingModel(context: EngineContext): Promise<RankingModel | undefined> {
  const { rerankModel, rerankEngine } = context.config;
  return rerankModel === undefined ? undefined : rankingEngines[rerankEngine](context, rerankModel);
}

/**
 * What the answering model file says about itself, without loading it (llama-cpp only: other
 * engines' models live on a server or in a repository). Never downloads.
 */
export async function inspectLanguageModel(
  context: EngineContext,
): Promise<{ path: string; facts: GenerationModelFacts } | undefined> {
  if (generationEngineFor(context.config) !== 'llama-cpp') return undefined;
  const { generationModelFacts } = await import('./llama-cpp/generation-model-facts.js');
  const { inspectGguf } = await import('./llama-cpp/gguf-inspection.js');
  const path = await resolveModel({
    ...resolveOptions(context, 'generation', context.config.generationModel),
    allowDownload: false,
  });
  const summary = await inspectGguf(path);
  return { path, facts: generationModelFacts(path, summary.metadata) };
}

/** How a pipeline gets its engines: in this process (the default), or in another (serve). */
export interface EngineLoaders {
  loadEmbeddingModel(context: EngineContext): Promise<LoadedEmbeddingModel>;
  loadLanguageModel(context: EngineContext): Promise<LanguageModel>;
  /** The reranker, when the configuration names one. */
  loadRankingModel(context: EngineContext): Promise<RankingModel | undefined>;
}

export const inProcessEngines: EngineLoaders = { loadEmbeddingModel, loadLanguageModel, loadRankingModel };
