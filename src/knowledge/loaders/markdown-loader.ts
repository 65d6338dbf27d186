import matter from 'gray-matter';
import type { DocumentLoader, LoadResult } from '../../spec/document-loader.js';
import { fileTitle } from './file-title.js';

function refuseExecutableFrontMatter(): never {
  throw new Error('JavaScript front matter is not evaluated');
}

/**
 * gray-matter evaluates `---js` front matter with eval(); a knowledge-base folder must never run
 * code, so that engine is replaced. Passing any options object also turns off gray-matter's
 * cache, which would otherwise keep every file's text alive for the life of the process.
 */
const frontMatterOptions = {
  engines: { javascript: refuseExecutableFrontMatter, js: refuseExecutableFrontMatter },
};

/** Markdown, optionally with YAML front matter giving `title` and `category`. */
export const markdownLoader: DocumentLoader = {
  format: 'Markdown',
  extensions: ['.md', '.markdown'],
  needsText: true,
  async load({ path, text, defaultCategory }): Promise<LoadResult> {
    const { frontMatter, body } = splitFrontMatter(text.replace(/^\uFEFF/, ''));
    const title = nonEmptyString(frontMatter.title) ?? firstHeading(body) ?? fileTitle(path);
    const category = nonEmptyString(frontMatter.category) ?? defaultCategory;
    return { documents: [{ category, title, content: body.trim(), source: path }], skipped: [] };
  },
};

function splitFrontMatter(text: string): { frontMatter: Record<string, unknown>; body: string } {
  try {
    const parsed = matter(text, frontMatterOptions);
    const data: unknown = parsed.data;
    const frontMatter = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
    return { frontMatter, body: parsed.content };
  } catch {
    // Broken front matter may not be front matter at all (a leading `---` rule); keeping the
    // whole text loses nothing, where guessing where the block ends could drop real content.
    return { frontMatter: {}, body: text };
  }
}

/** YAML turns `title: 2024` into a number; a number is still a usable title. */
function nonEmptyString(value: unknown): string | undefined {
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  return text === '' ? undefined : text;
}

/** The first level-1 ATX heading outside fenced code, where a `#` line is usually a comment. */
function firstHeading(body: string): string | undefined {
  let fence: string | undefined;
  for (const line of body.split('\n')) {
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch?.[1]) {
      const marker = fenceMatch[1];
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^\s{0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line)?.[1]?.trim();
    if (heading) return heading;
  }
  return undefined;
}
