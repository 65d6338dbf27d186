import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { SqliteKnowledgeBase } from '../../stores/sqlite/sqlite-knowledge-base.js';
import { type CliIo, type CommandRunner, writeJson, writeLine } from '../cli-io.js';
import { addEngineOptions, configFromFlags, createRagForCli, type EngineFlags } from '../engine-options.js';
import { dbPathFlag } from '../knowledge-base-option.js';
import { progressBar } from '../progress.js';

interface ReindexFlags extends EngineFlags {
  db?: string;
}

export function registerReindex(program: Command, io: CliIo, run: CommandRunner) {
  const command = program
    .command('reindex')
    .description('re-embed a whole knowledge base with the current model and --dimensions (all or nothing)')
    .option('--db <file>', 'the knowledge base file (default: $GEMMA_RAG_HOME/knowledge.db)');
  addEngineOptions(command);
  command.action((flags: ReindexFlags) => run(() => reindex(io, flags), flags.json ?? false));
}

async function reindex(io: CliIo, flags: ReindexFlags): Promise<void> {
  const path = dbPathFlag(io, flags);
  if (!existsSync(path)) throw new GemmaRagError(errorCodes.invalidKnowledgeBase, `No knowledge base at ${path}.`);
  const rag = await createRagForCli(io, configFromFlags(flags), flags);
  const store = await SqliteKnowledgeBase.open(path);
  const bar = progressBar(io, 'Re-embedding', { enabled: !flags.json });
  const graphBar = progressBar(io, 'Building search graph', { enabled: !flags.json });
  try {
    const result = await rag.reindex(store, {
      onProgress: (done, total) => bar.update(done, total),
      onIndexProgress: (done, total) => {
        bar.stop();
        graphBar.update(done, total);
      },
    });
    bar.stop();
    graphBar.stop();
    if (flags.json)
      writeJson(io, { db: path, engine: rag.embedder.model.label, dimensions: rag.embedder.dimensions, ...result });
    else
      writeLine(
        io.stdout,
        `${path}: re-embedded ${result.categories} categories and ${result.chunks} chunks with ${rag.embedder.model.label} (${rag.embedder.dimensions} dimensions).`,
      );
  } finally {
    bar.stop();
    graphBar.stop();
    await store.close();
    await rag.dispose();
  }
}
