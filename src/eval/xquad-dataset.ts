import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { parseJson } from '../util/parse-json.js';

/**
 * SQuAD v1.1 shape, as XQuAD ships it. Minimal on purpose: only the fields the benchmarks read
 * are checked (answers are optional: retrieval does not need them), so extra fields never break loading.
 */
const squadSchema = z.object({
  data: z
    .array(
      z.object({
        title: z.string().min(1),
        paragraphs: z
          .array(
            z.object({
              context: z.string().min(1),
              qas: z.array(
                z.object({
                  id: z.string().min(1),
                  question: z.string().min(1),
                  // Only `eval answers` reads them; retrieval benchmarks work without.
                  answers: z.array(z.object({ text: z.string() })).optional(),
                }),
              ),
            }),
          )
          .min(1),
      }),
    )
    .min(1),
});

type SquadFile = z.infer<typeof squadSchema>;

/** A question whose answer lies in exactly one paragraph: its gold document. */
export interface BenchmarkQuestion {
  id: string;
  question: string;
  /** The article title: the gold category. */
  category: string;
  /** The gold paragraph's document title. */
  title: string;
  /**
   * Gold answer spans: the question file's, then (cross-lingual) the same question's in the
   * paragraphs' language, which an answer copied from the paragraph would contain. May be empty.
   */
  answers: string[];
}

export interface BenchmarkDataset {
  name: string;
  /** Language of the questions. */
  lang: string;
  /** Language of the paragraphs (the knowledge base). */
  kbLang: string;
  /** Article → category, paragraph → document. */
  knowledgeBase: KnowledgeBase;
  questions: BenchmarkQuestion[];
}

/** Wikipedia titles spell spaces as underscores; the category is the title as people read it. */
export function categoryName(articleTitle: string): string {
  return articleTitle.replaceAll('_', ' ').trim();
}

/** The document title of an article's paragraph `index` (0-based): unique within the knowledge base. */
export function paragraphTitle(category: string, index: number): string {
  return `${category} ¶${index + 1}`;
}

export function xquadFile(directory: string, lang: string): string {
  return join(directory, `xquad.${lang}.json`);
}

async function readSquad(path: string): Promise<SquadFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : String(error);
    throw new GemmaRagError(errorCodes.invalidArgument, `Cannot read ${path}: ${reason}.`, {
      data: { path },
      cause: error,
    });
  }
  const parsed = squadSchema.safeParse(parseJson(text, path, errorCodes.invalidArgument));
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`)
      .join('; ');
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `${path} is not SQuAD v1.1 JSON ({ "data": [{ "title", "paragraphs": [{ "context", "qas": [{ "id", "question" }] }] }] }): ${problems}`,
      { data: { path } },
    );
  }
  return parsed.data;
}

/**
 * Builds the benchmark from XQuAD-shaped files: questions from `xquad.<lang>.json`, paragraphs
 * from `xquad.<kbLang>.json`. XQuAD's files are parallel translations (same articles, paragraphs
 * and question ids in the same order; titles in English everywhere), so a question's gold
 * paragraph in another language is the one at the same article and paragraph index; this is
 * checked, not assumed.
 */
export async function loadXquad(directory: string, lang: string, kbLang = lang): Promise<BenchmarkDataset> {
  const questionsFile = xquadFile(directory, lang);
  const questionsData = await readSquad(questionsFile);
  const paragraphsFile = xquadFile(directory, kbLang);
  const paragraphsData = kbLang === lang ? questionsData : await readSquad(paragraphsFile);
  if (kbLang !== lang) checkParallel(questionsData, paragraphsData, questionsFile, paragraphsFile);
  const seen = new Set<string>();
  const knowledgeBase: KnowledgeBase = paragraphsData.data.map((article) => {
    const category = categoryName(article.title);
    if (seen.has(category)) {
      throw new GemmaRagError(errorCodes.invalidArgument, `${paragraphsFile} has two articles titled "${category}".`);
    }
    seen.add(category);
    return {
      category,
      documents: article.paragraphs.map((paragraph, index) => ({
        title: paragraphTitle(category, index),
        content: paragraph.context,
      })),
    };
  });
  const kbAnswers = new Map(
    paragraphsData.data.flatMap((article) =>
      article.paragraphs.flatMap((paragraph) => paragraph.qas.map((qa) => [qa.id, spans(qa.answers)] as const)),
    ),
  );
  const questions = questionsData.data.flatMap((article) =>
    article.paragraphs.flatMap((paragraph, index) =>
      paragraph.qas.map((qa) => ({
        id: qa.id,
        question: qa.question,
        category: categoryName(article.title),
        title: paragraphTitle(categoryName(article.title), index),
        answers: [...new Set([...spans(qa.answers), ...(kbAnswers.get(qa.id) ?? [])])],
      })),
    ),
  );
  return { name: 'xquad', lang, kbLang, knowledgeBase, questions };
}

function spans(answers: ReadonlyArray<{ text: string }> | undefined): string[] {
  return (answers ?? []).map((answer) => answer.text.trim()).filter((text) => text !== '');
}

function checkParallel(questions: SquadFile, paragraphs: SquadFile, questionsFile: string, paragraphsFile: string) {
  const mismatch = (what: string) =>
    new GemmaRagError(
      errorCodes.invalidArgument,
      `${questionsFile} and ${paragraphsFile} are not parallel translations: ${what}.`,
      { data: { questionsFile, paragraphsFile } },
    );
  if (questions.data.length !== paragraphs.data.length) {
    throw mismatch(`${questions.data.length} articles against ${paragraphs.data.length}`);
  }
  questions.data.forEach((article, index) => {
    const other = paragraphs.data[index];
    if (other?.title !== article.title)
      throw mismatch(`article ${index + 1} is "${article.title}" vs "${other?.title}"`);
    if (other.paragraphs.length !== article.paragraphs.length) {
      throw mismatch(
        `"${article.title}" has ${article.paragraphs.length} paragraphs against ${other.paragraphs.length}`,
      );
    }
  });
}
