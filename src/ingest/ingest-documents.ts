import { createHash } from 'node:crypto';
import type { Embedder } from '../embedding/embedder.js';
import { documentPrompt, resolvePromptPrefix } from '../embedding/prompts.js';
import { chunkDocument } from '../knowledge/chunking/chunk-document.js';
import { withoutUnbrokenRuns } from '../knowledge/chunking/unbroken-runs.js';
import { mergeTags } from '../knowledge/tags.js';
import type { LoadedDocument } from '../spec/document-loader.js';
import { throwIfAborted } from '../spec/errors.js';
import type { KnowledgeWriter } from '../spec/knowledge-writer.js';
import { planCategories } from './category-vectors.js';
import { checkForWriting, stampFor } from './embedding-stamp-check.js';

export interface ChunkingSettings {
  /** Preferred chunk size in tokens (default 512). */
  targetTokens?: number | undefined;
  /** Tokens shared between neighbouring chunks (default 64). */
  overlapTokens?: number | undefined;
}

export interface IngestOptions {
  knowledgeBase: KnowledgeWriter;
  embedder: Embedder;
  documents: readonly LoadedDocument[];
  /** Category descriptions by name (the seed JSON's `description`, or a folder's `_category.md`). */
  categoryDescriptions?: Readonly<Record<string, string>> | undefined;
  chunking?: ChunkingSettings | undefined;
  /** Tags for every document of this run (`ingest --tag`), after each document's own. */
  tags?: readonly string[] | undefined;
  /** Remove stored documents under these paths that are no longer present. */
  prune?: { paths: readonly string[]; isStillPresent: (source: string) => boolean } | undefined;
  /** Called after each new or changed document is stored, with counts of such documents. */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Called while a large knowledge base's search graph is built, with counts of vectors. */
  onIndexProgress?: ((done: number, total: number) => void) | undefined;
  abortSignal?: AbortSignal | undefined;
}

export interface IngestReport {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  /** Chunks embedded in this run. */
  chunksEmbedded: number;
}

interface PendingDocument {
  document: LoadedDocument;
  contentHash: string;
}

/**
 * Incremental ingest: only new or changed documents are chunked and embedded, each one
 * written in its own transaction, so an interrupted run keeps everything it finished and
 * the next run picks up the rest.
 */
export async function ingestDocuments(options: IngestOptions): Promise<IngestReport> {
  const { knowledgeBase, embedder } = options;
  // Early, before anything is embedded; every write checks the stamp again in its transaction.
  await checkForWriting(knowledgeBase, embedder);
  const stamp = stampFor(embedder);
  const report: IngestReport = { added: 0, updated: 0, unchanged: 0, removed: 0, chunksEmbedded: 0 };
  const pending: PendingDocument[] = [];
  for (const loaded of uniqueBySource(options.documents)) {
    const tags = mergeTags(loaded.tags, options.tags ?? []);
    const document = { ...loaded, tags };
    const contentHash = hashDocument(document, options.chunking);
    if ((await knowledgeBase.findDocument(document.source))?.contentHash === contentHash) report.unchanged++;
    else pending.push({ document, contentHash });
  }
  const categories = await planCategories(
    knowledgeBase,
    embedder,
    new Set(pending.map(({ document }) => document.category)),
    options.categoryDescriptions ?? {},
    options.abortSignal,
  );
  for (const category of categories.changed) await knowledgeBase.writeCategory(category, stamp);
  // One document at a time, chunked, embedded and committed: memory stays flat on large
  // corpora, and an interrupted run keeps every document it finished.
  options.onProgress?.(0, pending.length);
  for (const [index, { document, contentHash }] of pending.entries()) {
    throwIfAborted(options.abortSignal);
    const chunks = await chunkDocument(withoutUnbrokenRuns(document), {
      prefix: resolvePromptPrefix(embedder.profile, documentPrompt(document.title)),
      maxInputTokens: embedder.maxInputTokens,
      targetTokens: options.chunking?.targetTokens,
      overlapTokens: options.chunking?.overlapTokens,
      countTokens: (texts) => embedder.countTokens(texts, options.abortSignal),
    });
    const vectors = await embedder.embedMany(
      chunks.map((chunk) => chunk.text),
      { prompt: documentPrompt(document.title), abortSignal: options.abortSignal },
    );
    const category = categories.forDocuments.get(document.category) ?? { name: document.category, description: '' };
    const outcome = await knowledgeBase.writeDocument(
      {
        source: document.source,
        title: document.title,
        contentHash,
        pages: document.pages,
        tags: document.tags,
        category,
        chunks: chunks.map(({ position, text, tokens, location }) => ({
          position,
          text,
          tokens,
          location,
          vector: vectors[position] as Float32Array,
        })),
      },
      stamp,
    );
    // A new category's vector is written with its first document; later ones just name it.
    if (category.vector)
      categories.forDocuments.set(category.name, { name: category.name, description: category.description });
    report[outcome]++;
    report.chunksEmbedded += chunks.length;
    options.onProgress?.(index + 1, pending.length);
  }
  if (options.prune) report.removed = await prune(knowledgeBase, options.prune);
  await knowledgeBase.prepareSearch(options.onIndexProgress);
  return report;
}

async function prune(knowledgeBase: KnowledgeWriter, prune: NonNullable<IngestOptions['prune']>): Promise<number> {
  const gone = (await knowledgeBase.documentsUnder(prune.paths)).filter(({ source }) => !prune.isStillPresent(source));
  return gone.length === 0 ? 0 : knowledgeBase.removeDocuments(gone.map(({ id }) => id));
}

/**
 * Chunking along sections, with each chunk's location, came with this version: a document
 * that has sections hashes differently from one stored before, so the next ingest rewrites it
 * once and fills in its locations (knowledge bases from before keep answering until then).
 */
const sectionedChunkingVersion = 'sections-1';

/**
 * What decides whether a document must be rewritten: its text, its places, how it is chunked,
 * and its tags (a tag change re-embeds the document: simpler than a second write path, and rare).
 */
function hashDocument(document: LoadedDocument, chunking: ChunkingSettings | undefined): string {
  const sectioned = document.sections
    ? [sectionedChunkingVersion, document.pages ?? null, document.sections.map((section) => section.location)]
    : [];
  return createHash('sha256')
    .update(
      JSON.stringify([
        document.category,
        document.title,
        document.content,
        chunking?.targetTokens ?? null,
        chunking?.overlapTokens ?? null,
        ...sectioned,
        // Only when there are tags, so documents stored before tags existed keep their hash.
        ...(document.tags?.length ? [{ tags: document.tags }] : []),
      ]),
    )
    .digest('hex');
}

function uniqueBySource(documents: readonly LoadedDocument[]): LoadedDocument[] {
  return [...new Map(documents.map((document) => [document.source, document])).values()];
}
