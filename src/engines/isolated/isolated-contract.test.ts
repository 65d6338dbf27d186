import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { FakeModelServer } from '../../../test/fixtures/fake-model-server.js';
import { type TinyModelPaths, writeTinyModels } from '../../../test/fixtures/tiny-models.js';
import { writeTinyReranker } from '../../../test/fixtures/tiny-reranker.js';
import { type RagConfig, ragConfigSchema } from '../../config.js';
import type { GenerationUsage } from '../../spec/language-model.js';
import { silentLogger } from '../../spec/logger.js';
import { embeddingModelContract } from '../embedding-model.contract.js';
import { languageModelContract } from '../language-model.contract.js';
import { rankingModelContract } from '../ranking-model.contract.js';
import type { RankingModelDescription } from './engine-messages.js';
import { EngineProcess } from './engine-process.js';
import { IsolatedEmbeddingModel } from './isolated-embedding-model.js';
import { IsolatedLanguageModel } from './isolated-language-model.js';
import { IsolatedRankingModel } from './isolated-ranking-model.js';

// The proxies a server gets for engines in a child process pass the same contracts as the
// engines themselves: vectors, token counts, order, streaming, aborts and error codes
// survive the trip over IPC. One engine process per configuration, shared by the cases.
let server: FakeModelServer;
let models: TinyModelPaths;
let reranker: string;
const processes: EngineProcess[] = [];

before(async () => {
  server = await FakeModelServer.start({ chunkDelayMs: 1 });
  models = await writeTinyModels();
  reranker = await writeTinyReranker(models.directory);
});

after(async () => {
  for (const engineProcess of processes) await engineProcess.dispose();
  await server?.close();
  if (models) await rm(models.directory, { recursive: true, force: true });
});

/** One engine process per configuration, held open by the file; each case gets its own proxies. */
function sharedEngines(config: () => RagConfig) {
  let started: Promise<EngineProcess> | undefined;
  const engineProcess = () => {
    started ??= (async () => {
      const running = new EngineProcess({
        config: ragConfigSchema.parse(config()),
        logger: silentLogger,
        environment: process.env,
      });
      running.acquire();
      processes.push(running);
      await running.ready();
      return running;
    })();
    return started;
  };
  return {
    embedding: async () => {
      const running = await engineProcess();
      return new IsolatedEmbeddingModel(running, await running.ready());
    },
    language: async () => {
      const running = await engineProcess();
      const { engine, modelId } = await running.request<{ engine: string; modelId: string }>({
        type: 'load-language-model',
      });
      return new IsolatedLanguageModel(running, engine, modelId);
    },
    ranking: async () => {
      const running = await engineProcess();
      const description = await running.request<RankingModelDescription>({ type: 'load-ranking-model' });
      return new IsolatedRankingModel(running, description);
    },
  };
}

const ollama = sharedEngines(() => ({
  engine: 'ollama',
  baseUrl: server.baseUrl,
  embeddingModel: 'embeddinggemma',
  generationModel: 'gemma3:4b',
}));

embeddingModelContract('ollama in an engine process', {
  create: async () => {
    server.reset();
    return ollama.embedding();
  },
  receivedInputs: () => server.embeddingInputs(),
  makeSlow: () => server.fail('/api/embed', { kind: 'slow', delayMs: 5000 }, 1),
});

languageModelContract('ollama in an engine process', {
  create: async () => {
    server.reset();
    return ollama.language();
  },
  receivedMessages: () => server.lastChatMessages(),
});

const llamaCpp = sharedEngines(() => ({
  engine: 'llama-cpp',
  embeddingModel: models.embedding,
  generationModel: models.generator,
  rerankModel: reranker,
  threads: 1,
  gpu: false,
}));

embeddingModelContract('llama-cpp in an engine process', { create: () => llamaCpp.embedding() });
languageModelContract('llama-cpp in an engine process', { create: () => llamaCpp.language() });
rankingModelContract('llama-cpp in an engine process', { create: () => llamaCpp.ranking() });

test('llama-cpp in an engine process: the token counts of a generation come back across it', async () => {
  const model = await llamaCpp.language();
  try {
    const counts: GenerationUsage[] = [];
    let text = '';
    for await (const chunk of model.generate({
      messages: [{ role: 'user', content: 'When does the office open?' }],
      maxTokens: 4,
      onUsage: (usage) => counts.push(usage),
    })) {
      text += chunk;
    }
    assert.equal(counts.length, 1, 'reported once, after the generation');
    const [usage] = counts;
    assert.ok(usage && usage.promptTokens > 5, `prompt tokens: ${usage?.promptTokens}`);
    assert.ok(
      usage.completionTokens >= 1 && usage.completionTokens <= 5,
      `completion tokens: ${usage.completionTokens} for "${text}"`,
    );
  } finally {
    await model.dispose();
  }
});
