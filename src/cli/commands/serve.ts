import { resolve } from 'node:path';
import type { Command } from 'commander';
import { sourceName } from '../../app/knowledge-source.js';
import type { Rag } from '../../app/rag.js';
import { type KnowledgeBaseToServe, planServing } from '../../server/serve-config.js';
import {
  defaultLimits,
  type ServedKnowledgeBase,
  type ServerLimits,
  serveKnowledgeBases,
} from '../../server/serve-knowledge-bases.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { type CliIo, type CommandRunner, writeLine } from '../cli-io.js';
import {
  addEngineOptions,
  addGenerationOptions,
  addRerankOptions,
  addSupportGateOption,
  configFromFlags,
  createRagForCli,
  type EngineFlags,
  parseThreshold,
} from '../engine-options.js';
import { dbOptionDescription, openKnowledge } from '../knowledge-base-option.js';
import { collectValues, parsePositiveInteger } from '../parse-flags.js';
import { addParseLimitOptions, type ParseLimitFlags, parseLimitsFromFlags } from '../parse-limit-options.js';
import { watchForCli } from '../watch-output.js';

interface ServeFlags extends EngineFlags, ParseLimitFlags {
  kb?: string;
  db?: string[];
  config?: string;
  dbKey?: string[];
  host: string;
  port: string;
  generate: boolean;
  cors?: string;
  allowedHost?: string[];
  threshold?: string;
  maxBody: string;
  maxInputs: string;
  maxUpload: string;
  maxUploads: string;
  watch?: string[];
}

export function registerServe(program: Command, io: CliIo, run: CommandRunner, untilStopped: () => Promise<void>) {
  const command = program
    .command('serve')
    .description('HTTP API (OpenAI- and Ollama-compatible embeddings, RAG) and web UI')
    .option('--host <host>', 'address to listen on (loopback unless you say otherwise)', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '8080')
    .option('--db <location>', `${dbOptionDescription}; repeat to serve several`, collectValues)
    .option('--kb <file>', 'knowledge base JSON file, embedded in memory for this run (default: the bundled example)')
    .option('--config <file>', 'JSON(C) file listing the knowledge bases to serve, their names and keys')
    .option(
      '--db-key <name=ENV>',
      'the key of knowledge base NAME is in environment variable ENV (repeatable)',
      collectValues,
    )
    .option(
      '--api-key <key>',
      'admin key: opens every knowledge base; with any key set, /api and /v1 need "Authorization: Bearer <key>" (env GEMMA_RAG_API_KEY)',
    )
    .option('--no-generate', 'answer with the matching text itself; needs no language model')
    .option(
      '--cors <origins>',
      "comma-separated origins allowed to call the API from a browser (default: none; '*' for all, only with a key)",
    )
    .option(
      '--allowed-host <names>',
      'host names the server also answers to, e.g. behind a proxy (comma-separated, repeatable; default: loopback and --host)',
      collectValues,
    )
    .option('--threshold <x>', 'similarity threshold for both stages')
    .option('--max-body <bytes>', 'largest request body', String(defaultLimits.maxBodyBytes))
    .option('--max-inputs <n>', 'most texts in one embeddings request', String(defaultLimits.maxInputs))
    .option('--max-upload <bytes>', 'largest document uploaded in the web UI', String(defaultLimits.maxUploadBytes))
    .option('--max-uploads <n>', 'most uploads received at once; more get 503 OVERLOADED', '4')
    .option('--watch <folders...>', 'keep the knowledge base in step with these folders while serving');
  addParseLimitOptions(command);
  addGenerationOptions(command);
  addRerankOptions(command);
  addSupportGateOption(command);
  addEngineOptions(command, { apiKeyIsEngineKey: false });
  command.action((flags: ServeFlags) => run(() => serve(io, flags, untilStopped), false));
}

async function serve(io: CliIo, flags: ServeFlags, untilStopped: () => Promise<void>): Promise<void> {
  const port = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || port > 65535) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `--port must be a number from 0 to 65535; got "${flags.port}".`,
    );
  }
  const threshold = parseThreshold(flags.threshold, '--threshold');
  const limits = {
    maxBodyBytes: parsePositiveInteger(flags.maxBody, '--max-body'),
    maxInputs: parsePositiveInteger(flags.maxInputs, '--max-inputs'),
    maxUploadBytes: parsePositiveInteger(flags.maxUpload, '--max-upload'),
    maxUploadsInFlight: parsePositiveInteger(flags.maxUploads, '--max-uploads'),
    parse: parseLimitsFromFlags(flags),
  };
  const { knowledgeBases: wanted, apiKey } = await planServing(io.environment, {
    ...flags,
    db: flags.db ?? [],
    dbKey: flags.dbKey ?? [],
  });
  const several = wanted.length > 1;
  if (several && flags.watch) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      '--watch follows folders into one knowledge base; serve several without it (and run `gemma-rag ingest --watch` for each).',
    );
  }
  await using rag = await createRagForCli(
    io,
    {
      ...configFromFlags(flags, { apiKeyIsEngineKey: false }),
      categoryThreshold: threshold,
      documentThreshold: threshold,
    },
    flags,
    // A llama.cpp abort must not take the server down: the engines run in a child process.
    // The support gate embeds the chosen document's sentences for every question: a question
    // asked again, or another over the same document, reuses them (4,096 vectors: ~12 MB).
    { isolateEngines: true, cacheEmbeddings: { maxEntries: 4096 } },
  );
  const knowledgeBases: ServedKnowledgeBase[] = [];
  try {
    // One set of engines serves every knowledge base, so each must be embedded with this model.
    for (const knowledgeBase of wanted) knowledgeBases.push(await openServed(io, rag, knowledgeBase, flags, several));
    await serveUntilStopped(io, { rag, knowledgeBases, wanted, apiKey, port, limits, flags }, untilStopped);
  } finally {
    await Promise.allSettled(knowledgeBases.map(({ index }) => index.close()));
  }
}

async function serveUntilStopped(
  io: CliIo,
  plan: {
    rag: Rag;
    knowledgeBases: ServedKnowledgeBase[];
    wanted: KnowledgeBaseToServe[];
    apiKey: string | undefined;
    port: number;
    limits: ServerLimits;
    flags: ServeFlags;
  },
  untilStopped: () => Promise<void>,
): Promise<void> {
  const { rag, knowledgeBases, wanted, apiKey, port, limits, flags } = plan;
  const several = wanted.length > 1;
  const server = await serveKnowledgeBases({
    rag,
    knowledgeBases,
    generate: flags.generate,
    limits,
    apiKey,
    corsOrigins: commaSeparated(flags.cors === undefined ? [] : [flags.cors]),
    allowedHosts: commaSeparated(flags.allowedHost ?? []),
    host: flags.host,
    port,
  });
  // Changes are written through the engine queue, so they never run beside a question's embedding.
  const only = knowledgeBases[0];
  const watch =
    flags.watch && only
      ? await watchForCli(io, {
          roots: flags.watch.map((folder) => resolve(folder)),
          rag,
          store: only.store,
          json: false,
          exclusive: (work) => server.exclusive(work),
        })
      : undefined;
  if (several) {
    const served = wanted.map(({ name, source }) => `${name} (${sourceName(source)})`).join(', ');
    writeLine(io.stdout, `gemma-rag is serving ${wanted.length} knowledge bases: ${served} at ${server.url}`);
    writeLine(
      io.stdout,
      `  web UI: ${server.url}/   API: ${server.url}/api/kb/{name}/ask (GET /api/kbs lists them)   embeddings: ${server.url}/v1/embeddings`,
    );
  } else {
    writeLine(io.stdout, `gemma-rag is serving ${wanted[0] ? sourceName(wanted[0].source) : ''} at ${server.url}`);
    writeLine(
      io.stdout,
      `  web UI: ${server.url}/   API: ${server.url}/api/ask   embeddings: ${server.url}/v1/embeddings`,
    );
  }
  const keyed = Boolean(apiKey) || knowledgeBases.some(({ keys }) => keys.length > 0);
  if (!['127.0.0.1', 'localhost', '::1'].includes(flags.host) && !keyed) {
    writeLine(
      io.stderr,
      `Warning: listening on ${flags.host} without --api-key; anyone who can reach it can read your knowledge base.`,
    );
  }
  await untilStopped();
  await watch?.close();
  await server.close();
}

function commaSeparated(values: readonly string[]): string[] {
  return values.flatMap((value) => value.split(',').map((item) => item.trim())).filter(Boolean);
}

/**
 * Opens one knowledge base for serving (refusing an empty one or one embedded with another
 * model); with several, a failure names the knowledge base it is about.
 */
async function openServed(
  io: CliIo,
  rag: Rag,
  wanted: KnowledgeBaseToServe,
  flags: ServeFlags,
  several: boolean,
): Promise<ServedKnowledgeBase> {
  try {
    // Served knowledge bases take uploads: the bundled example is embedded into memory, not shared.
    const index = await openKnowledge(io, rag, wanted.source, { ...flags, writable: true });
    return { name: wanted.name, index, store: index.knowledge, keys: wanted.keys };
  } catch (error) {
    if (!several || !GemmaRagError.isInstance(error)) throw error;
    throw new GemmaRagError(error.code, `Knowledge base "${wanted.name}" (${wanted.origin}): ${error.message}`, {
      data: { ...error.data, knowledgeBase: wanted.name },
      cause: error,
    });
  }
}
