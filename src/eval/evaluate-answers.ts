import { performance } from 'node:perf_hooks';
import { type Answer, judgeGenerated } from '../answer/answer-question.js';
import { answerSource } from '../answer/answer-sources.js';
import { type AnswerPromptId, answerPromptVersions } from '../answer/grounded-prompt.js';
import type { Rag } from '../app/rag.js';
import { CachingEmbeddingModel } from '../embedding/caching-embedding-model.js';
import type { RetrievalResult } from '../retrieval/retrieval-result.js';
import type { RouteRequest } from '../retrieval/route.js';
import { throwIfAborted } from '../spec/errors.js';
import type { GenerationUsage } from '../spec/language-model.js';
import { detectReplyLanguage } from '../text/scripts.js';
import { type AnswerCache, answerKey, type CachedAnswer } from './answer-cache.js';
import { sameDocument } from './answer-decision.js';
import { answerLanguage, containsGold, tokenF1 } from './answer-metrics.js';
import type { AnswerQuestion, AnswerSet } from './answer-sets.js';
import { type AnswerSummary, summarizeAnswers } from './answer-summary.js';
import { writeAnswersChart } from './charts/answers-bar-chart.js';
import { loadEmbeddingCache, saveEmbeddingCache } from './embedding-cache-file.js';

// What `eval answers` needs beside the flow: the answer sets, the cache, the report, the prompts.
export { type AnswerPromptId, answerPromptIds, defaultAnswerPrompt } from '../answer/grounded-prompt.js';
export { AnswerCache, defaultAnswerCachePath } from './answer-cache.js';
export { type AnswerSetSource, loadAnswerSet } from './answer-sets.js';
export { formatAnswersReport } from './format-answers-report.js';

/** One question answered with one prompt, and how it scored. */
export interface AnsweredQuestion {
  id: string;
  question: string;
  prompt: AnswerPromptId;
  answerable: boolean;
  answer: string;
  refusedBy: Answer['refusedBy'];
  /** The numbers of an answer the grounding check withdrew. */
  ungrounded?: string[] | undefined;
  /** Retrieval chose the gold document (the one the answer cites). */
  citedGold: boolean;
  /** The gold document's text was in the context the model read. */
  goldInContext: boolean;
  containsGold: boolean;
  /** Withdrawn by the grounding or source check although what the model wrote contained a gold answer. */
  withdrawnWithGold: boolean;
  /**
   * How close to the question the sentence the model's words came from is (answer-sources.ts
   * `answerSource`); null when no sentence was scored or none holds a word of the answer.
   */
  sourceScore: number | null;
  f1: number;
  /** The answer's script matches the question's; null for answers with no letters or refusals. */
  languageMatches: boolean | null;
  retrievalMs: number;
  /** Retrieval plus the model's first text: what a user waits for. Null when no model ran. */
  firstTextMs: number | null;
  generation: CachedAnswer | null;
  /** Taken from the answer cache (timings are those of the run that made it). */
  cached: boolean;
}

export interface EvaluateAnswersOptions {
  set: AnswerSet;
  /** Write the report's bar chart (SVG) into this folder. */
  chartsFolder?: string | undefined;
  prompts: readonly AnswerPromptId[];
  /** Identifies the answering model in the cache key (its file or name). */
  model: string;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  route?: RouteRequest | undefined;
  cache?: AnswerCache | undefined;
  /**
   * Keep every vector in this file and reuse it next run (per model), as `eval xquad` does:
   * comparing prompts then embeds the knowledge base once. Create `rag` with `cacheEmbeddings`.
   */
  embeddingCache?: string | undefined;
  /** A sentence for people (how many vectors were reused). */
  onNotice?: ((message: string) => void) | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Each question as it is answered (for --verbose and logs). */
  onAnswered?: ((answered: AnsweredQuestion) => void) | undefined;
  abortSignal?: AbortSignal | undefined;
}

export interface AnswersReport {
  set: string;
  lang: string;
  kbLang: string;
  model: string;
  embedding: string;
  maxTokens: number | null;
  temperature: number;
  answerable: number;
  unanswerable: number;
  summaries: AnswerSummary[];
  questions: AnsweredQuestion[];
  /** The chart files written (`chartsFolder`). */
  charts?: string[];
}

/**
 * End-to-end answer quality (`eval answers`): the knowledge base is indexed once, then every
 * question goes through the ask flow's two halves — `rag.retrieve`, then `rag.answer` (what
 * `Rag.ask` does for a question without history) — once per prompt, and is scored. Split so that
 * an answer found in the cache for the same model, prompt, settings and context skips the model.
 */
export async function evaluateAnswers(rag: Rag, options: EvaluateAnswersOptions): Promise<AnswersReport> {
  const { set, prompts, cache } = options;
  const cached = rag.embedder.model instanceof CachingEmbeddingModel ? rag.embedder.model : undefined;
  const vectors = options.embeddingCache && cached ? { path: options.embeddingCache, model: cached } : undefined;
  if (vectors) {
    const reused = await loadEmbeddingCache(vectors.model, vectors.path);
    options.onNotice?.(`Reusing ${reused} vectors from ${vectors.path}`);
  }
  const index = await rag.index(set.knowledgeBase, { origin: set.name, abortSignal: options.abortSignal });
  if (vectors) await saveEmbeddingCache(vectors.model, vectors.path);
  const total = set.questions.length * prompts.length;
  const questions: AnsweredQuestion[] = [];
  try {
    for (const question of set.questions) {
      const started = performance.now();
      const retrieval = await rag.retrieve(index, question.question, {
        ...options.route,
        abortSignal: options.abortSignal,
      });
      const retrievalMs = performance.now() - started;
      for (const prompt of prompts) {
        throwIfAborted(options.abortSignal);
        const key = answerKey({
          model: options.model,
          prompt,
          promptVersion: answerPromptVersions[prompt],
          maxTokens: options.maxTokens ?? null,
          temperature: options.temperature ?? 0,
          question: question.question,
          context: retrieval.context.map((chunk) => `${chunk.title}\n${chunk.text}`),
        });
        const hit = retrieval.document ? cache?.get(key) : undefined;
        const outcome = hit
          ? fromCache(hit, question, retrieval)
          : await generate(rag, question, retrieval, prompt, options);
        if (!hit && outcome.generation) await cache?.set(key, outcome.generation);
        const answered = score(question, retrieval, prompt, outcome, retrievalMs, hit !== undefined);
        questions.push(answered);
        options.onAnswered?.(answered);
        options.onProgress?.(questions.length, total);
      }
    }
  } finally {
    await index.close();
  }
  const report: AnswersReport = {
    set: set.name,
    lang: set.lang,
    kbLang: set.kbLang,
    model: options.model,
    embedding: rag.embedder.model.modelId,
    maxTokens: options.maxTokens ?? null,
    temperature: options.temperature ?? 0,
    answerable: set.questions.filter((question) => question.gold).length,
    unanswerable: set.questions.filter((question) => !question.gold).length,
    summaries: prompts.map((prompt) =>
      summarizeAnswers(
        prompt,
        questions.filter((row) => row.prompt === prompt),
      ),
    ),
    questions,
  };
  if (options.chartsFolder) report.charts = [await writeAnswersChart(options.chartsFolder, report)];
  return report;
}

interface Outcome {
  answer: string;
  refusedBy: Answer['refusedBy'];
  ungrounded?: string[] | undefined;
  generation: CachedAnswer | null;
}

/** A cached answer is judged as a fresh one is (answer-question.ts). */
function fromCache(hit: CachedAnswer, question: AnswerQuestion, retrieval: RetrievalResult): Outcome {
  const judged = judgeGenerated(hit.generated ?? hit.answer, question.question, retrieval);
  return { answer: judged.answer, refusedBy: judged.refusedBy, ungrounded: judged.ungrounded, generation: hit };
}

async function generate(
  rag: Rag,
  question: AnswerQuestion,
  retrieval: RetrievalResult,
  prompt: AnswerPromptId,
  options: EvaluateAnswersOptions,
): Promise<Outcome> {
  const started = performance.now();
  let firstTextMs: number | null = null;
  let usage: GenerationUsage | null = null;
  const result = await rag.answer(question.question, retrieval, {
    prompt,
    maxTokens: options.maxTokens,
    temperature: options.temperature,
    abortSignal: options.abortSignal,
    onText: (text) => {
      if (firstTextMs === null && text !== '') firstTextMs = performance.now() - started;
    },
    onUsage: (reported) => {
      usage = reported;
    },
  });
  if (result.kind !== 'generated') return { answer: result.answer, refusedBy: result.refusedBy, generation: null };
  const generationMs = performance.now() - started;
  const counted = usage as GenerationUsage | null;
  return {
    answer: result.answer,
    refusedBy: result.refusedBy,
    ungrounded: result.ungrounded,
    generation: {
      answer: result.answer,
      firstTextMs: firstTextMs ?? generationMs,
      generationMs,
      promptTokens: counted?.promptTokens ?? null,
      completionTokens: counted?.completionTokens ?? null,
      generated: result.generated,
    },
  };
}

function score(
  question: AnswerQuestion,
  retrieval: RetrievalResult,
  prompt: AnswerPromptId,
  outcome: Outcome,
  retrievalMs: number,
  cached: boolean,
): AnsweredQuestion {
  const { answer, refusedBy, ungrounded, generation } = outcome;
  const answered = refusedBy === null;
  const citedGold = sameDocument(retrieval.document, question.gold);
  const language = answered ? answerLanguage(answer) : null;
  const written = generation?.generated ?? generation?.answer ?? '';
  return {
    id: question.id,
    question: question.question,
    prompt,
    answerable: question.gold !== null,
    answer,
    refusedBy,
    ungrounded,
    citedGold,
    // The context is the chosen document's chunks: the gold text is in it exactly when the gold document was chosen.
    goldInContext: citedGold && retrieval.context.length > 0,
    containsGold: answered && containsGold(answer, question.answers),
    withdrawnWithGold: refusedBy === 'grounding' && containsGold(written, question.answers),
    sourceScore:
      written === '' ? null : (answerSource(written, question.question, retrieval.sentences ?? [])?.score ?? null),
    f1: answered ? tokenF1(answer, question.answers) : 0,
    languageMatches: language === null ? null : language === detectReplyLanguage(question.question),
    retrievalMs,
    firstTextMs: generation ? retrievalMs + generation.firstTextMs : null,
    generation,
    cached,
  };
}
