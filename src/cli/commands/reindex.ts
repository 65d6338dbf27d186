import type { Command } from 'commander';
import { openStore } from '../../app/open-store.js';
import { displayLocation } from '../../app/options.js';
import { countOf } from '../../presentation/plural.js';
import { type CliIo, type CommandRunner, writeJson, writeLine } from '../cli-io.js';
import { addEngineOptions, configFromFlags, createRagForCli, type EngineFlags } from '../engine-options.js';
import { dbOptionDescription, writableLocation } from '../knowledge-base-option.js';
import { stageProgress } from '../progress.js';
import { commandWriteLockWait } from '../write-lock-wait.js';

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
  await using store = await openStore(location, { writeLockWait: commandWriteLockWait(io, displayLocation(location)) });
  await using rag = await createRagForCli(io, config, flags);
  const progress = stageProgress(
    io,
    { embedding: 'Re-embedding', indexing: 'Building search graph' },
    { enabled: !flags.json },
  );
  const result = await rag
    .reindex(store, { onProgress: (stage) => progress.update(stage) })
    .finally(() => progress.stop());
  const { label } = rag.embedder.model;
  const { dimensions } = rag.embedder;
  if (flags.json) writeJson(io, { db: store.location, engine: label, dimensions, ...result });
  else
    writeLine(
      io.stdout,
      `${store.location}: re-embedded ${countOf(result.categories, 'category', 'categories')} and ${countOf(result.chunks, 'chunk')} with ${label} (${dimensions} dimensions).`,
    );
}
