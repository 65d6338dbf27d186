import type { Command } from 'commander';
import { openKnowledgeStore } from '../../stores/open-knowledge-store.js';
import { type CliIo, type CommandRunner, writeJson, writeLine } from '../cli-io.js';
import { addEngineOptions, configFromFlags, createRagForCli, type EngineFlags } from '../engine-options.js';
import { dbOptionDescription, writableLocation } from '../knowledge-base-option.js';
import { progressBar } from '../progress.js';

interface ReindexFlags extends EngineFlags {
  db?: string;
}

export function registerReindex(program: Command, io: CliIo, run: CommandRunner) {
  const command = program
    .command('reindex')
    .description('re-embed a whole knowledge base with the current model and --dimensions (all or nothing)')
    .option('--db <location>', dbOptionDescription);
  addEngineOptions(command);
  command.action((flags: ReindexFlags) => run(() => reindex(io, flags), flags.json ?? false));
}

async function reindex(io: CliIo, flags: ReindexFlags): Promise<void> {
  const location = writableLocation(io, flags);
  const config = configFromFlags(flags);
  // Before any model loads: a missing knowledge base or unreachable database fails fast.
  const store = await openKnowledgeStore(location);
  let rag: Awaited<ReturnType<typeof createRagForCli>>;
  try {
    rag = await createRagForCli(io, config, flags);
  } catch (error) {
    await store.close();
    throw error;
  }
  const path = store.location;
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
