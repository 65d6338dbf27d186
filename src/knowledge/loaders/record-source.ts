import type { LoadedDocument } from '../../spec/document-loader.js';
import { tagsFrom } from '../tags.js';

/** A record of a JSON or JSONL file, as its schema checked it (`tags` is normalized here). */
export interface DocumentRecord {
  title: string;
  content: string;
  tags?: unknown;
}

/**
 * Turns the records of one JSON or JSONL file into documents. Each gets the identity
 * `path#category/title#n`; counting by the whole `category/title` string (not the pair) keeps
 * sources unique even when a slash in a category or title makes two pairs spell the same string.
 */
export function recordDocuments(path: string): (category: string, record: DocumentRecord) => LoadedDocument {
  const counts = new Map<string, number>();
  return (category, { title, content, tags }) => {
    const key = `${category}/${title}`;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    const labels = tagsFrom(tags);
    return { category, title, content, source: `${path}#${key}#${count}`, ...(labels.length ? { tags: labels } : {}) };
  };
}
