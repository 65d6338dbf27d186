import { modelProfiles } from '../../embedding/model-profiles.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import type { EngineLoaders } from '../registry.js';
import type { RankingModelDescription } from './engine-messages.js';
import { EngineProcess } from './engine-process.js';
import { IsolatedEmbeddingModel } from './isolated-embedding-model.js';
import { IsolatedLanguageModel } from './isolated-language-model.js';
import { IsolatedRankingModel } from './isolated-ranking-model.js';

/**
 * Engines in a child process, for `serve`: a llama.cpp abort (a failed assertion, out of
 * memory, a bad file) would otherwise end the whole server. The server gets proxies with
 * the same interfaces, so streaming, aborts and error codes are unchanged; while a crashed
 * engine restarts, requests in flight fail with ENGINE_FAILURE (HTTP 503).
 */
export function isolatedEngines(): EngineLoaders {
  let engineProcess: EngineProcess | undefined;
  return {
    async loadEmbeddingModel(context) {
      const started = new EngineProcess({ ...context, environment: context.environment ?? process.env });
      const description = await started.ready().catch(async (error: unknown) => {
        await started.dispose();
        throw error;
      });
      engineProcess = started;
      const model = new IsolatedEmbeddingModel(started, description);
      const profile = description.detectedProfile;
      return {
        model,
        detectedProfile:
          profile && profile in modelProfiles ? modelProfiles[profile as keyof typeof modelProfiles] : undefined,
      };
    },
    async loadLanguageModel() {
      if (!engineProcess) {
        throw new GemmaRagError(errorCodes.engineFailure, 'The engine process must load the embedding model first.');
      }
      const { engine, modelId } = await engineProcess.request<{ engine: string; modelId: string }>({
        type: 'load-language-model',
      });
      return new IsolatedLanguageModel(engineProcess, engine, modelId);
    },
    async loadRankingModel(context) {
      if (context.config.rerankModel === undefined) return undefined;
      if (!engineProcess) {
        throw new GemmaRagError(errorCodes.engineFailure, 'The engine process must load the embedding model first.');
      }
      // Loaded at start-up, like the embedding model, so a wrong reranker fails before serving.
      const description = await engineProcess.request<RankingModelDescription>({ type: 'load-ranking-model' });
      return new IsolatedRankingModel(engineProcess, description);
    },
  };
}
