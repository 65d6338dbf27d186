/**
 * The engine process: loads the models named by the configuration and answers the server
 * process's requests over IPC. A llama.cpp abort (a failed assertion, out of memory) ends
 * this process only; the server reports ENGINE_FAILURE and starts a new one.
 */
import { ragConfigSchema } from '../../config.js';
import { type EmbeddingModel, embeddingModelInfo } from '../../spec/embedding-model.js';
import { asGemmaRagError } from '../../spec/errors.js';
import type { GenerationUsage, LanguageModel } from '../../spec/language-model.js';
import type { RankingModel } from '../../spec/ranking-model.js';
import { type EngineContext, loadEmbeddingModel, loadLanguageModel, loadRankingModel } from '../registry.js';
import {
  crashHookVariable,
  type FromEngine,
  type RankingModelDescription,
  type SerializedError,
  type ToEngine,
} from './engine-messages.js';

let embeddingModel: EmbeddingModel | undefined;
let languageModel: Promise<LanguageModel> | undefined;
let rankingModel: Promise<RankingModel> | undefined;
let context: EngineContext | undefined;
const running = new Map<number, AbortController>();
const confirmations = new Map<number, (allowed: boolean) => void>();
let nextConfirmation = 1;

function send(message: FromEngine): void {
  process.send?.(message);
}

function serialize(error: unknown): SerializedError {
  const known = asGemmaRagError(error);
  return { code: known.code, message: known.message, data: known.data };
}

/** The test hook: abort like llama.cpp does, when an input carries the marker. */
function abortIfAsked(texts: readonly string[]): void {
  const marker = process.env[crashHookVariable];
  if (marker && texts.some((text) => text.includes(marker))) process.abort();
}

function requireEmbeddingModel(): EmbeddingModel {
  if (!embeddingModel) throw new Error('the engine process received a request before its model was loaded');
  return embeddingModel;
}

async function answer(id: number, work: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    send({ type: 'result', id, value: await work(controller.signal) });
  } catch (error) {
    send({ type: 'failed', id, error: serialize(error) });
  } finally {
    running.delete(id);
  }
}

async function load(config: unknown): Promise<void> {
  try {
    context = {
      config: ragConfigSchema.parse(config),
      logger: {
        warn: (message) => send({ type: 'log', level: 'warn', message }),
        info: (message) => send({ type: 'log', level: 'info', message }),
      },
      environment: process.env,
      onDownloadProgress: ({ downloadedBytes, totalBytes }) =>
        send({ type: 'download-progress', downloadedBytes, totalBytes }),
      onModelLoad: (progress) => send({ type: 'model-load', ...progress }),
      confirmDownload: (uri) =>
        new Promise<boolean>((resolve) => {
          const id = nextConfirmation++;
          confirmations.set(id, resolve);
          send({ type: 'confirm', id, uri });
        }),
    };
    const loaded = await loadEmbeddingModel(context);
    embeddingModel = loaded.model;
    send({
      type: 'loaded',
      embedding: { ...embeddingModelInfo(loaded.model), detectedProfile: loaded.detectedProfile?.id },
    });
  } catch (error) {
    send({ type: 'load-failed', error: serialize(error) });
  }
}

function languageModelOnce(): Promise<LanguageModel> {
  if (!context) return Promise.reject(new Error('the engine process has no configuration yet'));
  languageModel ??= loadLanguageModel(context);
  // A failed load is not kept: the cause may be fixed before the next question.
  languageModel.catch(() => {
    languageModel = undefined;
  });
  return languageModel;
}

function rankingModelOnce(): Promise<RankingModel> {
  if (!context) return Promise.reject(new Error('the engine process has no configuration yet'));
  const configured = context;
  rankingModel ??= loadRankingModel(configured).then((model) => {
    if (!model) throw new Error('the configuration names no reranker');
    return model;
  });
  rankingModel.catch(() => {
    rankingModel = undefined;
  });
  return rankingModel;
}

async function dispose(): Promise<void> {
  for (const controller of running.values()) controller.abort();
  const [language, ranking] = [languageModel, rankingModel];
  await Promise.allSettled([
    embeddingModel?.dispose(),
    language?.then((model) => model.dispose()),
    ranking?.then((model) => model.dispose()),
  ]);
  process.exit(0);
}

function handle(message: ToEngine): void {
  switch (message.type) {
    case 'load':
      void load(message.config);
      return;
    case 'embed':
      void answer(message.id, async (abortSignal) => {
        abortIfAsked(message.values);
        return (await requireEmbeddingModel().embed({ values: message.values, abortSignal })).embeddings;
      });
      return;
    case 'count-tokens':
      void answer(message.id, (abortSignal) =>
        requireEmbeddingModel().countTokens({ values: message.values, abortSignal }),
      );
      return;
    case 'load-language-model':
      void answer(message.id, async () => {
        const model = await languageModelOnce();
        return { engine: model.engine, modelId: model.modelId };
      });
      return;
    case 'generate':
      void answer(message.id, async (abortSignal) => {
        abortIfAsked(message.messages.map((chat) => chat.content));
        const model = await languageModelOnce();
        const { id, messages, maxTokens, temperature } = message;
        let usage: GenerationUsage | null = null;
        const onUsage = (reported: GenerationUsage) => {
          usage = reported;
        };
        for await (const text of model.generate({ messages, maxTokens, temperature, abortSignal, onUsage })) {
          send({ type: 'chunk', id, text });
        }
        // The result of a generation is its token counts, when the engine knows them.
        return usage;
      });
      return;
    case 'load-ranking-model':
      void answer(message.id, async (): Promise<RankingModelDescription> => {
        const { engine, modelId, maxDocumentsPerCall } = await rankingModelOnce();
        return { engine, modelId, maxDocumentsPerCall };
      });
      return;
    case 'rank':
      void answer(message.id, async (abortSignal) => {
        abortIfAsked([message.query, ...message.documents]);
        const model = await rankingModelOnce();
        return (await model.rank({ query: message.query, documents: message.documents, abortSignal })).scores;
      });
      return;
    case 'abort':
      running.get(message.id)?.abort();
      return;
    case 'confirmed':
      confirmations.get(message.id)?.(message.allowed);
      confirmations.delete(message.id);
      return;
    case 'dispose':
      void dispose();
      return;
  }
}

process.on('message', (message: ToEngine) => handle(message));
// The server process is gone (killed, crashed): nothing is left to serve.
process.on('disconnect', () => process.exit(0));
