import { type Command, Option } from 'commander';
import {
  defaultModelProfile,
  embeddingEngineIds,
  generationEngineIds,
  parseDimensions,
  parseTransformersDtype,
  type RagConfig,
  rankingEngineIds,
  rerankDefaults,
} from '../app/options.js';
import type { Logger } from '../app/rag.js';
import { createRag, type Rag, type RagDependencies } from '../app/rag.js';
import { describeDefaultSupport } from '../presentation/threshold-defaults.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { type CliIo, writeLine } from './cli-io.js';
import { confirmer } from './confirm.js';
import { parseFraction, parsePositiveInteger } from './parse-flags.js';
import { modelLoadProgress, progressBar } from './progress.js';

/** Flags every model-using command shares, as commander parses them. */
export interface EngineFlags {
  engine?: string;
  generationEngine?: string;
  baseUrl?: string;
  generationBaseUrl?: string;
  engineApiKey?: string;
  apiKey?: string;
  embeddingModel?: string;
  generationModel?: string;
  modelProfile?: string;
  dimensions?: string;
  threads?: string;
  cpu?: boolean;
  pull?: boolean;
  allowMissingDense?: boolean;
  dtype?: string;
  json?: boolean;
  rerank?: string;
  rerankTop?: string;
  rerankThreshold?: string;
  rerankEngine?: string;
  rerankBaseUrl?: string;
  rerankScores?: string;
  supportThreshold?: string;
}

/**
 * `--api-key` is the engine's key everywhere except `serve`, where it protects gemma-rag's
 * own server; `--engine-api-key` always means the engine's.
 */
export function addEngineOptions(command: Command, options: { apiKeyIsEngineKey?: boolean } = {}): Command {
  command
    .addOption(
      new Option('--engine <engine>', 'embedding engine (lexical is a keyword stand-in, not EmbeddingGemma)')
        .choices([...embeddingEngineIds])
        .default('llama-cpp'),
    )
    .option(
      '--embedding-model <model>',
      'llama-cpp: GGUF file, hf: URI or alias (env GEMMA_RAG_EMBEDDING_MODEL); ollama/openai-compatible: the server-side model name',
    )
    .option(
      '--base-url <url>',
      'model server address (ollama default http://127.0.0.1:11434 or $OLLAMA_HOST; openai-compatible http://127.0.0.1:8080)',
    )
    .option('--engine-api-key <key>', 'bearer key for an OpenAI-compatible server (env GEMMA_RAG_ENGINE_API_KEY)');
  if (options.apiKeyIsEngineKey !== false) command.option('--api-key <key>', 'same as --engine-api-key');
  return command
    .addOption(
      new Option('--model-profile <profile>', 'embedding model family, if not detected from the model').choices([
        'embeddinggemma',
        'embeddinggemma-2',
      ]),
    )
    .option('--dimensions <d>', 'Matryoshka output size: 768, 512, 256 or 128 (any 1..768)')
    .option('--threads <n>', 'CPU threads for llama.cpp (default: physical cores)')
    .option('--cpu', 'do not use a GPU even if one is available')
    .option('--pull', 'download missing default models (needs internet once)')
    .option('--allow-missing-dense', 'load an EmbeddingGemma GGUF without its Dense layers (wrong vectors)')
    .option('--dtype <dtype>', 'transformers engine: embedding ONNX weights fp32, q8 (default) or q4; fp16 is refused')
    .option('--json', 'print machine-readable JSON');
}

export function addGenerationOptions(command: Command): Command {
  return command
    .option(
      '--generation-model <model>',
      'answering model, any instruction-tuned GGUF with a chat template (Gemma 3/4 -it intended): file, hf: URI or alias for llama-cpp (env GEMMA_RAG_GENERATION_MODEL); server model name for HTTP engines',
    )
    .addOption(
      new Option(
        '--generation-engine <engine>',
        'engine that answers (default: the embedding engine if it can, else llama-cpp)',
      ).choices([...generationEngineIds]),
    )
    .option('--generation-base-url <url>', 'address of the answering model server, if not --base-url');
}

/** The optional reranking stage: `ask`, `search`, `serve` and `eval` take it. */
export function addRerankOptions(command: Command): Command {
  return command
    .option(
      '--rerank <model>',
      'rerank what passed the embedding gate with a cross-encoder: a reranker GGUF, hf: URI or alias (bge-reranker-v2-m3) for llama-cpp, the server model name for openai-compatible',
    )
    .option('--rerank-top <n>', `with --rerank: how many passages it reads (default ${rerankDefaults.top})`)
    .option(
      '--rerank-threshold <x>',
      `with --rerank: its own score floor from 0 to 1 (default ${rerankDefaults.threshold}); the embedding gate still applies`,
    )
    .addOption(
      new Option('--rerank-engine <engine>', 'with --rerank: engine that reranks (default llama-cpp)').choices([
        ...rankingEngineIds,
      ]),
    )
    .option(
      '--rerank-base-url <url>',
      'with --rerank-engine openai-compatible: server with /v1/rerank (default --base-url)',
    )
    .addOption(
      new Option(
        '--rerank-scores <kind>',
        "with --rerank-engine openai-compatible: the server's scores are logits (llama-server, default) or probabilities",
      ).choices(['logits', 'probabilities']),
    );
}

/** The support gate (retrieval/supporting-sentence.ts): `ask`, `serve` and `eval answers` take it. */
export function addSupportGateOption(command: Command): Command {
  return command.option(
    '--support-threshold <x>',
    `a sentence of the chosen document must reach this similarity with the question, or the question is refused; "off" turns this check off (default with EmbeddingGemma: ${describeDefaultSupport()})`,
  );
}

function parseSupportThreshold(value: string): number | false {
  if (value.trim().toLowerCase() === 'off') return false;
  return parseThreshold(value, '--support-threshold') as number;
}

function rerankConfigFromFlags(flags: EngineFlags): Partial<RagConfig> {
  const model = flags.rerank;
  if (model === undefined) {
    const stray = (['rerankTop', 'rerankThreshold', 'rerankEngine', 'rerankBaseUrl', 'rerankScores'] as const).find(
      (key) => flags[key] !== undefined,
    );
    if (stray) {
      throw new GemmaRagError(errorCodes.invalidArgument, 'The --rerank-… options need --rerank MODEL.', {
        data: { flag: stray },
      });
    }
    return {};
  }
  return {
    rerankModel: model,
    ...(flags.rerankEngine ? { rerankEngine: flags.rerankEngine as RagConfig['rerankEngine'] } : {}),
    ...(flags.rerankBaseUrl ? { rerankBaseUrl: flags.rerankBaseUrl } : {}),
    ...(flags.rerankScores ? { rerankScores: flags.rerankScores as RagConfig['rerankScores'] } : {}),
    ...(flags.rerankTop === undefined ? {} : { rerankTop: parsePositiveInteger(flags.rerankTop, '--rerank-top') }),
    ...(flags.rerankThreshold === undefined
      ? {}
      : { rerankThreshold: parseFraction(flags.rerankThreshold, '--rerank-threshold') }),
  };
}

export function parseThreshold(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < -1 || number > 1) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `${flag} must be a similarity between -1 and 1 (e.g. 0.4); got "${value}".`,
      { data: { flag, value } },
    );
  }
  return number;
}

/** Turns flags into a configuration, rejecting bad values before any model is loaded. */
export function configFromFlags(
  flags: EngineFlags & { generationModel?: string },
  options: { apiKeyIsEngineKey?: boolean } = {},
): RagConfig {
  const apiKey = flags.engineApiKey ?? (options.apiKeyIsEngineKey === false ? undefined : flags.apiKey);
  return {
    engine: flags.engine as RagConfig['engine'],
    ...(flags.generationEngine ? { generationEngine: flags.generationEngine as RagConfig['generationEngine'] } : {}),
    ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
    ...(flags.generationBaseUrl ? { generationBaseUrl: flags.generationBaseUrl } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(flags.embeddingModel ? { embeddingModel: flags.embeddingModel } : {}),
    ...(flags.generationModel ? { generationModel: flags.generationModel } : {}),
    ...(flags.modelProfile ? { modelProfile: flags.modelProfile as 'embeddinggemma' } : {}),
    ...(flags.dimensions === undefined
      ? {}
      : { dimensions: parseDimensions(flags.dimensions, defaultModelProfile.nativeDimensions) }),
    ...(flags.threads === undefined ? {} : { threads: parsePositiveInteger(flags.threads, '--threads') }),
    gpu: flags.cpu ? false : 'auto',
    pull: flags.pull ?? false,
    allowMissingDense: flags.allowMissingDense ?? false,
    ...(flags.dtype === undefined ? {} : { dtype: parseTransformersDtype(flags.dtype, '--dtype') }),
    ...rerankConfigFromFlags(flags),
    ...(flags.supportThreshold === undefined
      ? {}
      : { supportThreshold: parseSupportThreshold(flags.supportThreshold) }),
  };
}

export function stderrLogger(io: CliIo): Logger {
  return { warn: (message) => writeLine(io.stderr, message), info: (message) => writeLine(io.stderr, message) };
}

/** Builds the RAG pipeline with the CLI's logger, download progress bar and download prompt. */
export async function createRagForCli(
  io: CliIo,
  config: RagConfig,
  flags: { json?: boolean },
  extra: Pick<RagDependencies, 'cacheEmbeddings' | 'isolateEngines'> = {},
): Promise<Rag> {
  const download = progressBar(io, 'Downloading model', { enabled: !flags.json, bytes: true });
  const ask = confirmer(io, !flags.json);
  const dependencies: RagDependencies = {
    // llama.cpp ends the process on a failed assertion: its engines run in a child process, as
    // serve's do, so such a model ends the command with ENGINE_FAILURE and a message instead.
    isolateEngines: extra.isolateEngines ?? runsLlamaCpp(config),
    ...extra,
    logger: stderrLogger(io),
    environment: io.environment,
    onDownloadProgress: ({ downloadedBytes, totalBytes }) => download.update(downloadedBytes, totalBytes),
    onModelLoad: modelLoadProgress(io, { enabled: !flags.json }),
    ...(ask
      ? { confirmDownload: (uri: string) => ask(`The model ${uri} is not downloaded yet. Download it now?`) }
      : {}),
  };
  try {
    return await createRag(config, dependencies);
  } finally {
    download.stop();
  }
}

/** Whether any engine the configuration asks for is llama.cpp in this process (the default engine). */
function runsLlamaCpp(config: RagConfig): boolean {
  const engines = [config.engine ?? 'llama-cpp', config.generationEngine, config.rerankEngine];
  return engines.includes('llama-cpp');
}
