import type { Command } from 'commander';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { exampleKnowledgeBasePath, loadKnowledgeBaseFile } from '../knowledge/load-knowledge-base.js';
import type { Rag } from '../rag.js';
import type { KnowledgeIndex } from '../retrieval/knowledge-index.js';
import type { CliIo } from './cli-io.js';
import { progressBar } from './progress.js';

export function addKnowledgeBaseOption(command: Command): Command {
  return command.option('--kb <file>', 'knowledge base JSON file (default: the bundled example)');
}

export function loadKnowledgeBaseFlag(flags: { kb?: string }): Promise<KnowledgeBase> {
  return loadKnowledgeBaseFile(flags.kb ?? exampleKnowledgeBasePath);
}

/** Embeds the knowledge base, with a progress bar when a person is watching. */
export async function indexWithProgress(
  io: CliIo,
  rag: Rag,
  knowledgeBase: KnowledgeBase,
  flags: { json?: boolean },
): Promise<KnowledgeIndex> {
  const bar = progressBar(io, 'Embedding knowledge base', { enabled: !flags.json });
  try {
    return await rag.index(knowledgeBase, { onProgress: (done, total) => bar.update(done, total) });
  } finally {
    bar.stop();
  }
}
