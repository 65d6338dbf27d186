import matter from 'gray-matter';
import type { DocumentLoader, LoadResult } from '../../spec/document-loader.js';
import { tagsFrom } from '../tags.js';
import { fileTitle } from './file-title.js';
import { documentFromSections, HeadingOutline } from './sections.js';

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

/** Markdown, optionally with YAML front matter giving `title`, `category` and `tags`; sections follow the ATX headings. */
export const markdownLoader: DocumentLoader = {
  format: 'Markdown',
  extensions: ['.md', '.markdown'],
  needsText: true,
  async load({ path, fileName, text, defaultCategory }): Promise<LoadResult> {
    const { frontMatter, body } = splitFrontMatter(text.replace(/^\uFEFF/, ''));
    const lines = classifyLines(body);
    const firstHeading = lines.find((line) => line.heading?.level === 1)?.heading?.text;
    const title = nonEmptyString(frontMatter.title) ?? firstHeading ?? fileTitle(fileName ?? path);
    const category = nonEmptyString(frontMatter.category) ?? defaultCategory;
    const outline = new HeadingOutline();
    for (const line of lines) {
      if (line.heading) outline.heading(line.heading.level, line.heading.text, line.text);
      else outline.text(line.text);
    }
    const tags = tagsFrom(frontMatter.tags);
    const document = documentFromSections({ category, title, source: path }, outline.sections());
    return { documents: [tags.length ? { ...document, tags } : document], skipped: [] };
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

interface MarkdownLine {
  text: string;
  heading?: { level: number; text: string } | undefined;
}

/** ATX headings (`## Title`) outside fenced code, where a `#` line is usually a comment. */
function classifyLines(body: string): MarkdownLine[] {
  let fence: string | undefined;
  return body.split('\n').map((text): MarkdownLine => {
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(text);
    if (fenceMatch?.[1]) {
      const marker = fenceMatch[1];
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return { text };
    }
    if (fence !== undefined) return { text };
    const heading = /^\s{0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(text);
    const headingText = heading?.[2]?.trim();
    return headingText ? { text, heading: { level: heading?.[1]?.length ?? 1, text: headingText } } : { text };
  });
}
