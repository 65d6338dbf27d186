import type { Command } from 'commander';
import {
  dbEnvironmentVariable,
  type KnowledgeSource,
  openForQuestions,
  writableLocation as writableLocationIn,
} from '../app/knowledge-source.js';
import type { Rag } from '../app/rag.js';
import { type CliIo, writeLine } from './cli-io.js';
import { stageProgress } from './progress.js';

export const dbOptionDescription = `knowledge base: a SQLite file or postgres://user@host/db[?schema=…] (env ${dbEnvironmentVariable}; default: $GEMMA_RAG_HOME/knowledge.db)`;

export function addKnowledgeBaseOptions(command: Command): Command {
  return command
    .option('--db <location>', `${dbOptionDescription}; used if it exists`)
    .option('--kb <file>', 'knowledge base JSON file, embedded in memory for this run (default: the bundled example)');
}

/** Where a command that writes or administers a knowledge base works: --db, else GEMMA_RAG_DB, else the default file. */
export function writableLocation(io: CliIo, flags: { db?: string }) {
  return writableLocationIn(io.environment, flags.db);
}

/** Opens a knowledge source for questions, with its notices and progress on stderr for people. */
export async function openKnowledge(
  io: CliIo,
  rag: Rag,
  source: KnowledgeSource,
  flags: { json?: boolean; writable?: boolean },
) {
  const progress = stageProgress(
    io,
    { embedding: 'Embedding knowledge base', indexing: 'Building search graph' },
    { enabled: !flags.json },
  );
  try {
    return await openForQuestions(rag, source, {
      onNotice: (message) => {
        if (!flags.json) writeLine(io.stderr, message);
      },
      onProgress: (stage) => progress.update(stage),
      writable: flags.writable,
    });
  } finally {
    progress.stop();
  }
}
