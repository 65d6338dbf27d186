import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isolatedEngines } from '../../engines/isolated/isolated-engines.js';
import { createApp } from '../../server/create-app.js';
import { defaultLimits } from '../../server/server-context.js';
import { startServer } from '../../server/start-server.js';
import { WorkQueue } from '../../server/work-queue.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { type CliIo, type CommandRunner, writeLine } from '../cli-io.js';
import {
  addEngineOptions,
  addGenerationOptions,
  addRerankOptions,
  configFromFlags,
  createRagForCli,
  type EngineFlags,
  parseThreshold,
} from '../engine-options.js';
import { addKnowledgeBaseOptions, chooseKnowledgeSource, openKnowledge, sourceName } from '../knowledge-base-option.js';
import { parsePositiveInteger } from '../parse-flags.js';
import { watchForCli } from '../watch-output.js';

interface ServeFlags extends EngineFlags {
  kb?: string;
  db?: string;
  host: string;
  port: string;
  generate: boolean;
  cors?: string;
  threshold?: string;
  maxBody: string;
  maxInputs: string;
  maxUpload: string;
  watch?: string[];
}

export function registerServe(program: Command, io: CliIo, run: CommandRunner, untilStopped: () => Promise<void>) {
  const command = program
    .command('serve')
    .description('HTTP API (OpenAI- and Ollama-compatible embeddings, RAG) and web UI')
    .option('--host <host>', 'address to listen on (loopback unless you say otherwise)', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '8080')
    .option('--api-key <key>', 'require "Authorization: Bearer <key>" on /api and /v1 (env GEMMA_RAG_API_KEY)')
    .option('--no-generate', 'answer with the matching text itself; needs no language model')
    .option('--cors <origins>', 'comma-separated origins allowed to call the API from a browser (default: none)')
    .option('--threshold <x>', 'similarity threshold for both stages')
    .option('--max-body <bytes>', 'largest request body', String(defaultLimits.maxBodyBytes))
    .option('--max-inputs <n>', 'most texts in one embeddings request', String(defaultLimits.maxInputs))
    .option('--max-upload <bytes>', 'largest document uploaded in the web UI', String(defaultLimits.maxUploadBytes))
    .option('--watch <folders...>', 'keep the knowledge base in step with these folders while serving');
  addKnowledgeBaseOptions(command);
  addGenerationOptions(command);
  addRerankOptions(command);
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
  };
  const apiKey = flags.apiKey ?? io.environment.GEMMA_RAG_API_KEY;
  const source = await chooseKnowledgeSource(io, flags);
  const rag = await createRagForCli(
    io,
    {
      ...configFromFlags(flags, { apiKeyIsEngineKey: false }),
      categoryThreshold: threshold,
      documentThreshold: threshold,
    },
    flags,
    // A llama.cpp abort must not take the server down: the engines run in a child process.
    { engines: isolatedEngines() },
  );
  try {
    const index = await openKnowledge(io, rag, source, flags);
    // Native engines run one job at a time; the queue bounds what waits behind them.
    const queue = new WorkQueue(1, 64);
    const app = createApp(
      { rag, index, store: index.knowledge, generate: flags.generate, queue, limits },
      {
        apiKey,
        corsOrigins: flags.cors
          ?.split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      },
    );
    const server = await startServer(app, { host: flags.host, port });
    // Changes are written through the engine queue, so they never run beside a question's embedding.
    const watch = flags.watch
      ? await watchForCli(io, {
          roots: flags.watch.map((folder) => resolve(folder)),
          rag,
          store: index.knowledge,
          json: false,
          exclusive: (work) => queue.run(work),
        })
      : undefined;
    writeLine(io.stdout, `gemma-rag is serving ${sourceName(source)} at ${server.url}`);
    writeLine(
      io.stdout,
      `  web UI: ${server.url}/   API: ${server.url}/api/ask   embeddings: ${server.url}/v1/embeddings`,
    );
    if (!['127.0.0.1', 'localhost', '::1'].includes(flags.host) && !apiKey) {
      writeLine(
        io.stderr,
        `Warning: listening on ${flags.host} without --api-key; anyone who can reach it can read your knowledge base.`,
      );
    }
    await untilStopped();
    await watch?.close();
    await server.close();
    await index.close();
  } finally {
    await rag.dispose();
  }
}
