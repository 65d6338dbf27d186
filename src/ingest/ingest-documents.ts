import { createHash } from 'node:crypto';
import type { Embedder } from '../embedding/embedder.js';
import { documentPrompt, resolvePromptPrefix } from '../embedding/prompts.js';
import { chunkDocument } from '../knowledge/chunking/chunk-document.js';
import { withoutUnbrokenRuns } from '../knowledge/chunking/unbroken-runs.js';
import { categoryText } from '../knowledge/knowledge-base.js';
import type { LoadedDocument } from '../spec/document-loader.js';
import { throwIfAborted } from '../spec/errors.js';
import type { SqliteKnowledgeBase } from '../stores/sqlite/sqlite-knowledge-base.js';
import { claimForWriting } from './embedding-stamp-check.js';

export interface ChunkingSettings {
  /** Preferred chunk size in tokens (default 512). */
  targetTokens?: number | undefined;
  /** Tokens shared between neighbouring chunks (default 64). */
  overlapTokens?: number | undefined;
}

export interface IngestOptions {
  knowledgeBase: SqliteKnowledgeBase;
  embedder: Embedder;
  documents: readonly LoadedDocument[];
  /** Category descriptions by name (the seed JSON's `description`, or a folder's `_category.md`). */
  categoryDescriptions?: Readonly<Record<string, string>> | undefined;
  chunking?: ChunkingSettings | undefined;
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
  claimForWriting(knowledgeBase, embedder);
  const report: IngestReport = { added: 0, updated: 0, unchanged: 0, removed: 0, chunksEmbedded: 0 };
  const pending: PendingDocument[] = [];
  for (const document of uniqueBySource(options.documents)) {
    const contentHash = hashDocument(document, options.chunking);
    if (knowledgeBase.findDocument(document.source)?.contentHash === contentHash) report.unchanged++;
    else pending.push({ document, contentHash });
  }
  // One document at a time, chunked, embedded and committed: memory stays flat on large
  // corpora, and an interrupted run keeps every document it finished.
  options.onProgress?.(0, pending.length);
  const descriptions = options.categoryDescriptions ?? {};
  for (const [index, { document, contentHash }] of pending.entries()) {
    throwIfAborted(options.abortSignal);
    const chunks = await chunkDocument(withoutUnbrokenRuns(document), {
      prefix: resolvePromptPrefix(embedder.profile, documentPrompt(document.title)),
      maxInputTokens: embedder.maxInputTokens,
      targetTokens: options.chunking?.targetTokens,
      overlapTokens: options.chunking?.overlapTokens,
      countTokens: (texts) => embedder.countTokens(texts, options.abortSignal),
    });
    const categoryVector = await categoryVectorIfNeeded(options, document.category, descriptions[document.category]);
    const vectors = await embedder.embedMany(
      chunks.map((chunk) => chunk.text),
      { prompt: documentPrompt(document.title), abortSignal: options.abortSignal },
    );
    const outcome = knowledgeBase.writeDocument({
      source: document.source,
      title: document.title,
      contentHash,
      pages: document.pages,
      category: {
        name: document.category,
        description:
          descriptions[document.category] ?? knowledgeBase.findCategory(document.category)?.description ?? '',
        vector: categoryVector,
      },
      chunks: chunks.map(({ position, text, tokens, location }) => ({
        position,
        text,
        tokens,
        location,
        vector: vectors[position] as Float32Array,
      })),
    });
    report[outcome]++;
    report.chunksEmbedded += chunks.length;
    options.onProgress?.(index + 1, pending.length);
  }
  await refreshChangedDescriptions(options, descriptions);
  if (options.prune) report.removed = prune(knowledgeBase, options.prune);
  knowledgeBase.prepareSearch(options.onIndexProgress);
  return report;
}

/** A category needs a (new) vector when it is new or its description changed. */
async function categoryVectorIfNeeded(
  options: IngestOptions,
  name: string,
  description: string | undefined,
): Promise<Float32Array | undefined> {
  const stored = options.knowledgeBase.findCategory(name);
  if (stored && (description === undefined || description === stored.description)) return undefined;
  return embedCategory(options, name, description ?? '');
}

/** Categories whose description changed although none of their documents did. */
async function refreshChangedDescriptions(options: IngestOptions, descriptions: Readonly<Record<string, string>>) {
  for (const [name, description] of Object.entries(descriptions)) {
    const stored = options.knowledgeBase.findCategory(name);
    if (!stored || stored.description === description) continue;
    options.knowledgeBase.writeCategory({ name, description, vector: await embedCategory(options, name, description) });
  }
}

function embedCategory(options: IngestOptions, name: string, description: string): Promise<Float32Array> {
  return options.embedder.embedQuery(categoryText({ category: name, description, documents: [] }), {
    promptName: 'Classification',
    abortSignal: options.abortSignal,
  });
}

function prune(knowledgeBase: SqliteKnowledgeBase, prune: NonNullable<IngestOptions['prune']>): number {
  const gone = knowledgeBase.documentsUnder(prune.paths).filter(({ source }) => !prune.isStillPresent(source));
  return gone.length === 0 ? 0 : knowledgeBase.removeDocuments(gone.map(({ id }) => id));
}

/**
 * Chunking along sections, with each chunk's location, came with this version: a document
 * that has sections hashes differently from one stored before, so the next ingest rewrites it
 * once and fills in its locations (knowledge bases from before keep answering until then).
 */
const sectionedChunkingVersion = 'sections-1';

/** What decides whether a document must be re-embedded: its text, its places and how it is chunked. */
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
      ]),
    )
    .digest('hex');
}

function uniqueBySource(documents: readonly LoadedDocument[]): LoadedDocument[] {
  return [...new Map(documents.map((document) => [document.source, document])).values()];
}
