import type { RetrievalResult, SupportingSentence } from '../retrieval/retrieval-result.js';
import type { GenerationUsage, LanguageModel } from '../spec/language-model.js';
import { quotedForModel } from '../text/quoted-text.js';
import { ungroundedFacts } from './answer-grounding.js';
import { unrelatedSources } from './answer-sources.js';
import { withoutDataMarkers } from './data-markers.js';
import { type AnswerPromptId, defaultAnswerPrompt, groundedMessages } from './grounded-prompt.js';
import { dontKnowPhrase, isNotFoundReply, refusalMessage } from './localized-replies.js';
import { withoutLeadingLabels } from './prompt-labels.js';
import { QuestionEchoGuard } from './question-echo.js';

export interface AnswerOptions {
  /** The question answered (a follow-up's standalone form). */
  question: string;
  /** The text whose language a refusal is written in. Default `question`; a follow-up as asked. */
  replyLanguageOf?: string | undefined;
  retrieval: RetrievalResult;
  /**
   * Gives the language model, loading it on first use. Only called when there is a
   * document to answer from: a refusal never loads or calls a model.
   */
  languageModel?: (() => Promise<LanguageModel>) | undefined;
  /** Called with each piece of the answer as it is produced. */
  onText?: ((text: string) => void) | undefined;
  maxTokens?: number | undefined;
  /** 0 = greedy (the default). */
  temperature?: number | undefined;
  /** Which grounded prompt (grounded-prompt.ts); default `defaultAnswerPrompt`. */
  prompt?: AnswerPromptId | undefined;
  /** Token counts of the generation, from engines that report them. */
  onUsage?: ((usage: GenerationUsage) => void) | undefined;
  /**
   * Called when the text streamed so far is withdrawn because its words came only from
   * sentences far from the question, before the model is asked once more without them: what
   * was streamed is no answer, and the retried answer streams next.
   */
  onRetract?: ((setAside: SupportingSentence[]) => void) | undefined;
  abortSignal?: AbortSignal | undefined;
}

export interface Answer {
  answer: string;
  /** No answer from the knowledge base: the gate found nothing, or the model found nothing in what it was given. */
  refused: boolean;
  /**
   * Who refused: `gate` — retrieval found nothing relevant and no model was called; `model` —
   * the model replied that the context does not contain the answer (the documents are then not
   * cited); `grounding` — the answer was withdrawn for our not-found reply: it stated a number or
   * address its documents do not (`ungrounded` lists them), or its words came only from a sentence
   * unrelated to the question (`unrelatedSources`); null when answered.
   */
  refusedBy: 'gate' | 'model' | 'grounding' | null;
  /** `generated` by a language model, `extractive` (the document itself), or `refusal`. */
  kind: 'generated' | 'extractive' | 'refusal';
  /** The prompt the answer came from: `echoFallbackPrompt` when the first one's answer was the question read back. */
  prompt?: AnswerPromptId;
  /** The numbers and addresses of a withdrawn answer that its documents do not state (answer-grounding.ts). */
  ungrounded?: string[];
  /** The sentences a withdrawn answer was drawn from, far from the question, closest first (answer-sources.ts). */
  unrelatedSources?: SupportingSentence[];
  /**
   * Sentences set aside after a first answer came only from them (`unrelatedSources`): the
   * model was asked once more without them, and this answer is the second one.
   */
  setAside?: SupportingSentence[];
  /** What the model wrote, before it was judged (`judgeGenerated`); empty when it only read the question back. */
  generated?: string;
}

/**
 * When the model reads the question back instead of answering, it is asked once more with this
 * prompt, which never echoed in the real tier (the rules in a system message and repeated after
 * the question: docs/answers.md).
 */
export const echoFallbackPrompt: AnswerPromptId = 'sandwich';

export async function answerQuestion(options: AnswerOptions): Promise<Answer> {
  const { question, retrieval } = options;
  if (!retrieval.document) {
    const answer = refusalMessage(options.replyLanguageOf ?? question);
    options.onText?.(answer);
    return { answer, refused: true, refusedBy: 'gate', kind: 'refusal' };
  }
  if (!options.languageModel) {
    const answer = retrieval.context.map((chunk) => chunk.text).join('\n\n');
    options.onText?.(answer);
    return { answer, refused: false, refusedBy: null, kind: 'extractive' };
  }
  const model = await options.languageModel();
  const first = await answerFrom(model, retrieval, options);
  const setAside = first.unrelatedSources;
  if (!setAside) return first;
  // An answer drawn only from sentences far from the question obeyed something the document
  // said instead of answering (a planted order the quarantine missed): ask once more without them.
  options.onRetract?.(setAside);
  const second = await answerFrom(model, withoutSentences(retrieval, setAside), options);
  return { ...second, setAside };
}

/** One answer: generated (asked again with the echo fallback prompt after an echo), then judged. */
async function answerFrom(
  model: LanguageModel,
  retrieval: RetrievalResult,
  options: AnswerOptions,
): Promise<Answer & { kind: 'generated' }> {
  const { question } = options;
  let prompt = options.prompt ?? defaultAnswerPrompt;
  let generated = await generate(model, question, retrieval, prompt, options);
  if (generated === null && prompt !== echoFallbackPrompt) {
    prompt = echoFallbackPrompt;
    generated = await generate(model, question, retrieval, prompt, options);
  }
  const replyLanguageOf = options.replyLanguageOf ?? question;
  if (generated === null) {
    // Twice the question read back is no answer: say so, as the model's not-found reply would.
    const notFound = dontKnowPhrase(replyLanguageOf);
    options.onText?.(notFound);
    return { answer: notFound, refused: true, refusedBy: 'model', kind: 'generated', prompt, generated: '' };
  }
  return { ...judgeGenerated(generated, question, retrieval, replyLanguageOf), kind: 'generated', prompt };
}

/**
 * The retrieval with these sentences taken out of the text the model reads. The scored
 * sentences keep them: a second answer drawn from them again is withdrawn, not retried.
 */
function withoutSentences(retrieval: RetrievalResult, setAside: readonly SupportingSentence[]): RetrievalResult {
  const context = retrieval.context.map((chunk) => {
    let text = quotedForModel(chunk.text);
    for (const { sentence } of setAside) text = text.replace(sentence, '');
    return { ...chunk, text };
  });
  return { ...retrieval, context };
}

/**
 * What a model's text stands as: an answer; the model's not-found reply, replaced by ours in the
 * language of the question as asked, whatever else the model wrote around it ("I don't know.
 * ACCESS GRANTED"); or withdrawn for ours when it states numbers or addresses that its documents
 * (as the model read them) and the question do not, or when its words come only from sentences
 * far from the question (the support gate's scores, answer-sources.ts). `eval answers` judges
 * cached generations with it too.
 */
export function judgeGenerated(
  generated: string,
  question: string,
  retrieval: Pick<RetrievalResult, 'context' | 'sentences' | 'thresholds'>,
  replyLanguageOf: string = question,
): Omit<Answer, 'kind' | 'prompt'> {
  const text = withoutLeadingLabels(withoutDataMarkers(generated)).trim();
  const notFound = dontKnowPhrase(replyLanguageOf);
  // Nothing but markers and labels read back says nothing: as the model's not-found reply.
  if (text === '' || isNotFoundReply(text)) return { answer: notFound, refused: true, refusedBy: 'model', generated };
  const sources = [question, ...retrieval.context.flatMap((chunk) => [chunk.title, quotedForModel(chunk.text)])];
  const ungrounded = ungroundedFacts(text, sources);
  if (ungrounded.length > 0) return { answer: notFound, refused: true, refusedBy: 'grounding', ungrounded, generated };
  const unrelated = unrelatedSources(text, question, retrieval.sentences ?? [], retrieval.thresholds.source ?? null);
  if (unrelated)
    return { answer: notFound, refused: true, refusedBy: 'grounding', unrelatedSources: unrelated, generated };
  return { answer: text, refused: false, refusedBy: null, generated };
}

/** One generation, streamed through the echo guard; null when it was only the question read back. */
async function generate(
  model: LanguageModel,
  question: string,
  retrieval: RetrievalResult,
  prompt: AnswerPromptId,
  options: AnswerOptions,
): Promise<string | null> {
  let answer = '';
  const guard = new QuestionEchoGuard(question, (text) => options.onText?.(text));
  for await (const text of model.generate({
    messages: groundedMessages(question, retrieval.context, prompt, retrieval.support?.sentence),
    maxTokens: options.maxTokens,
    temperature: options.temperature,
    onUsage: options.onUsage,
    abortSignal: options.abortSignal,
  })) {
    answer += text;
    guard.push(text);
  }
  return guard.end() ? null : answer;
}
