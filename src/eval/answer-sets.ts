import { basename } from 'node:path';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { loadKnowledgeBaseFile } from '../knowledge/load-knowledge-base.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import type { DocumentKey } from './answer-decision.js';
import { type Label, loadLabels } from './label-file.js';
import { holdOut, seededSample } from './seeded-split.js';
import { type BenchmarkDataset, loadXquad } from './xquad-dataset.js';

/** A question `eval answers` asks, with what a right answer contains. */
export interface AnswerQuestion {
  id: string;
  question: string;
  /** The document that holds the answer; null when the knowledge base cannot answer (it should refuse). */
  gold: DocumentKey | null;
  /** Gold answers (an answer is right when it contains one); empty for unanswerable questions. */
  answers: string[];
}

/** A knowledge base and the questions asked of it. */
export interface AnswerSet {
  name: string;
  /** Language of the questions and of the knowledge base (they differ for cross-lingual pairs). */
  lang: string;
  kbLang: string;
  knowledgeBase: KnowledgeBase;
  questions: AnswerQuestion[];
}

export interface XquadSampleOptions {
  /** Answerable questions to ask (sampled from articles that stay in the knowledge base). */
  answerable: number;
  /** Questions about articles left out of the knowledge base. */
  unanswerable: number;
  /** Share of articles left out. */
  heldOut: number;
  seed: number;
}

/**
 * XQuAD as an answer benchmark: some articles are left out of the knowledge base (their
 * questions must be refused), and a seeded sample of the rest is asked. The held-out split is
 * the one `eval xquad` uses for the refusal test (same seed, same articles).
 */
export function xquadAnswerSet(dataset: BenchmarkDataset, options: XquadSampleOptions): AnswerSet {
  const heldOut = new Set(
    holdOut(
      dataset.knowledgeBase.map((category) => category.category),
      options.heldOut,
      options.seed,
    ),
  );
  const inScope = dataset.questions.filter(
    (question) => !heldOut.has(question.category) && question.answers.length > 0,
  );
  const outOfScope = dataset.questions.filter((question) => heldOut.has(question.category));
  const answerable = seededSample(inScope, options.answerable, options.seed).map((question) => ({
    id: question.id,
    question: question.question,
    gold: { category: question.category, title: question.title },
    answers: question.answers,
  }));
  const unanswerable = seededSample(outOfScope, options.unanswerable, options.seed + 1).map((question) => ({
    id: question.id,
    question: question.question,
    gold: null,
    answers: [],
  }));
  return {
    name: dataset.lang === dataset.kbLang ? `xquad.${dataset.lang}` : `xquad.${dataset.lang}→${dataset.kbLang}`,
    lang: dataset.lang,
    kbLang: dataset.kbLang,
    knowledgeBase: dataset.knowledgeBase.filter((category) => !heldOut.has(category.category)),
    questions: [...answerable, ...unanswerable],
  };
}

/**
 * A seed-format knowledge base with a label file whose answerable lines give gold answers
 * (`"answers": […]`); lines with `"expected": null` are the unanswerable questions.
 */
export function labelledAnswerSet(name: string, knowledgeBase: KnowledgeBase, labels: readonly Label[]): AnswerSet {
  const missing = labels.filter((label) => label.expected !== null && !label.answers?.length);
  if (missing.length > 0) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `eval answers needs gold answers ("answers": ["…"]) on every answerable label; lines ${missing.map((label) => label.line).join(', ')} have none.`,
      { data: { lines: missing.map((label) => label.line) } },
    );
  }
  return {
    name,
    lang: 'mixed',
    kbLang: 'mixed',
    knowledgeBase,
    questions: labels.map((label) => ({
      id: `line ${label.line}`,
      question: label.question,
      gold: label.expected,
      answers: label.answers ?? [],
    })),
  };
}

/** Where `eval answers` takes its questions from. */
export type AnswerSetSource =
  | ({ kind: 'xquad'; directory: string; lang: string; kbLang: string } & XquadSampleOptions)
  | { kind: 'labelled'; knowledgeBase: string; labels: string };

export async function loadAnswerSet(source: AnswerSetSource): Promise<AnswerSet> {
  if (source.kind === 'xquad') {
    return xquadAnswerSet(await loadXquad(source.directory, source.lang, source.kbLang), source);
  }
  const [knowledgeBase, labels] = await Promise.all([
    loadKnowledgeBaseFile(source.knowledgeBase),
    loadLabels(source.labels),
  ]);
  return labelledAnswerSet(basename(source.knowledgeBase), knowledgeBase, labels);
}
