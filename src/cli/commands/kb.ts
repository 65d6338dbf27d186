import type { Command } from 'commander';
import { openStore } from '../../app/open-store.js';
import type { KnowledgeAdmin, SearchDescription } from '../../app/rag.js';
import { describeLocation } from '../../presentation/cite-location.js';
import { countOf } from '../../presentation/plural.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { type CliIo, type CommandRunner, writeJson, writeLine } from '../cli-io.js';
import { dbOptionDescription, writableLocation } from '../knowledge-base-option.js';

interface KbFlags {
  db?: string;
  json?: boolean;
}

interface ShowFlags extends KbFlags {
  title: string;
  source?: string;
}

interface RemoveFlags extends KbFlags {
  title?: string;
  source?: string;
  category?: string;
}

export function registerKb(program: Command, io: CliIo, run: CommandRunner) {
  const kb = program.command('kb').description('look into or edit a knowledge base (no model needed)');
  const withDb = (command: Command) =>
    command.option('--db <location>', dbOptionDescription).option('--json', 'print JSON');
  withDb(
    kb
      .command('list')
      .description('categories with their document, chunk and page counts; when each document was ingested'),
  ).action((flags: KbFlags) => run(() => list(io, flags), flags.json ?? false));
  withDb(kb.command('show').description("a document's chunks"))
    .requiredOption('--title <title>', 'the document title')
    .option('--source <source>', 'which one, when several documents share the title')
    .action((flags: ShowFlags) => run(() => show(io, flags), flags.json ?? false));
  withDb(kb.command('rm').description('remove a document (by --title, optionally --source) or a whole --category'))
    .option('--title <title>', 'the document title')
    .option('--source <source>', 'which one, when several documents share the title')
    .option('--category <name>', 'remove this category and all its documents')
    .action((flags: RemoveFlags) => run(() => remove(io, flags), flags.json ?? false));
}

/** The model-free admin view of an existing knowledge base (never creates one). */
function openExisting(io: CliIo, flags: KbFlags): Promise<KnowledgeAdmin & AsyncDisposable & { location: string }> {
  return openStore(writableLocation(io, flags));
}

async function list(io: CliIo, flags: KbFlags): Promise<void> {
  await using store = await openExisting(io, flags);
  const categories = await store.listCategories();
  const documents = await store.listDocuments();
  const search = await store.describeSearch();
  if (flags.json) {
    writeJson(io, {
      categories,
      documents: documents.map(({ id: _id, ...document }) => document),
      search,
    });
    return;
  }
  for (const category of categories) {
    const pages = category.pages > 0 ? `, ${countOf(category.pages, 'page')}` : '';
    writeLine(
      io.stdout,
      `${category.name}  (${countOf(category.documents, 'document')}, ${countOf(category.chunks, 'chunk')}${pages})`,
    );
    for (const document of documents.filter((entry) => entry.category === category.name)) {
      const size = [countOf(document.chunks, 'chunk'), document.pages === null ? '' : countOf(document.pages, 'page')]
        .filter(Boolean)
        .join(', ');
      const tags = document.tags.length > 0 ? `  tags: ${document.tags.join(', ')}` : '';
      writeLine(
        io.stdout,
        `  ${document.title}  [${size}]  ingested ${shortDate(document.ingestedAt)}  ${document.source}${tags}`,
      );
    }
  }
  if (categories.length === 0) writeLine(io.stdout, `${store.location} is empty.`);
  else writeLine(io.stdout, describeSearch(search));
}

function pickOne<T extends { source: string }>(
  matches: T[],
  title: string,
  source: string | undefined,
  path: string,
): T {
  const chosen = source === undefined ? matches : matches.filter((match) => match.source === source);
  if (chosen.length === 0) {
    throw new GemmaRagError(
      errorCodes.notFound,
      `No document titled "${title}"${source ? ` from ${source}` : ''} in ${path}.`,
    );
  }
  if (chosen.length > 1) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `${chosen.length} documents are titled "${title}"; choose one with --source:\n${chosen.map((match) => `  ${match.source}`).join('\n')}`,
    );
  }
  return chosen[0] as T;
}

async function show(io: CliIo, flags: ShowFlags): Promise<void> {
  await using store = await openExisting(io, flags);
  const document = pickOne(await store.documentsByTitle(flags.title), flags.title, flags.source, store.location);
  if (flags.json) {
    writeJson(io, {
      title: document.title,
      category: document.category,
      source: document.source,
      tags: document.tags,
      chunks: document.chunks,
    });
    return;
  }
  const tags = document.tags.length > 0 ? `\ntags: ${document.tags.join(', ')}` : '';
  writeLine(io.stdout, `${document.title}  (${document.category})\n${document.source}${tags}`);
  for (const chunk of document.chunks) {
    const place = describeLocation(chunk.location);
    writeLine(
      io.stdout,
      `\n[chunk ${chunk.position}, ${chunk.tokens} tokens${place ? `, ${place}` : ''}]\n${chunk.text}`,
    );
  }
}

async function remove(io: CliIo, flags: RemoveFlags): Promise<void> {
  if ((flags.title === undefined) === (flags.category === undefined)) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      'Say what to remove: --title T (optionally --source S) or --category C.',
    );
  }
  await using store = await openExisting(io, flags);
  let removed: number;
  if (flags.category !== undefined) removed = await store.removeCategory(flags.category);
  else {
    const title = flags.title as string;
    const chosen = pickOne(await store.documentsByTitle(title), title, flags.source, store.location);
    removed = await store.removeDocuments([chosen.id]);
  }
  if (flags.json) writeJson(io, { removed });
  else writeLine(io.stdout, `Removed ${countOf(removed, 'document')} from ${store.location}.`);
}

/** `2026-12-04 23:38` in UTC: sortable, and the same wherever the knowledge base is read. */
function shortDate(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16);
}

function describeSearch(search: SearchDescription): string {
  const chunks = countOf(search.vectors, 'chunk');
  if (search.method === 'exact') return `Search: ${chunks}, exact scan.`;
  if (search.method === 'funnel') return `Search: ${chunks}, sign-bit funnel with exact re-scoring.`;
  if (search.method === 'hnsw') return `Search: ${chunks}, pgvector HNSW index (ef_search ${search.hnsw?.efSearch}).`;
  const graph = search.graph;
  if (!graph?.file) return `Search: ${chunks}, HNSW graph not built yet (the next ingest or question builds it).`;
  const measured =
    graph.candidates === null
      ? ''
      : `, ${graph.candidates} candidates re-scored (recall@10 ${graph.measuredRecall} measured at build)`;
  const pending = graph.pendingChanges > 0 ? `; ${graph.pendingChanges} changes to replay` : '';
  return `Search: ${chunks}, HNSW graph${measured}${pending}.`;
}
