import type { AskResult, CondensedQuestion, Rag, RetrievalResult } from '../app/rag.js';
import { citationLabel } from './cite-location.js';
import { countOf } from './plural.js';
import { quotedPage } from './quoted-page.js';

const format = (score: number) => score.toFixed(3);

/**
 * The highest cosine among scored entries. "Best" in every message means this, not the first
 * entry: hybrid lists documents in fused (vector + keyword) order, where the first need not
 * have the highest cosine.
 */
export function highestScore<Entry extends { score: number }>(entries: readonly Entry[]): Entry | undefined {
  return entries.reduce<Entry | undefined>(
    (best, entry) => (best && best.score >= entry.score ? best : entry),
    undefined,
  );
}

/**
 * The chunks given to the language model, highest score first, each with the number it had in
 * the prompt and, for a generated answer, the page it quotes when the chunk spans several.
 */
export function contextByScore(result: Pick<AskResult, 'retrieval' | 'answer' | 'kind'>) {
  return result.retrieval.context
    .map((chunk, index) => ({
      ...chunk,
      number: index + 1,
      quotedPage: result.kind === 'generated' ? quotedPage(chunk, result.answer) : undefined,
    }))
    .sort((left, right) => right.score - left.score || left.number - right.number);
}

/** `ask --explain`: the engine, the route, the follow-up's rewrite and every stage's scores. */
export function explainStages(rag: Rag, retrieval: RetrievalResult, condensed: CondensedQuestion | null): string[] {
  const lines = [
    `engine: ${rag.embedder.model.label}, model: ${rag.embedder.model.modelId}, dimensions: ${rag.embedder.dimensions}`,
    `route: ${describeRoute(retrieval)}`,
  ];
  if (condensed) {
    const how =
      condensed.method === 'language-model'
        ? `rewritten by the language model from ${countOf(condensed.turns, 'earlier turn')}`
        : `joined to the previous question${condensed.fallback ? ` (${condensed.fallback})` : ' (no language model)'}`;
    lines.push(`Follow-up, ${how}:`, `  ${condensed.standalone}`);
  }
  if (retrieval.stages === 'two-stage') {
    lines.push(`Stage 1 — categories (threshold ${retrieval.thresholds.category}):`);
    for (const category of retrieval.scores.categories) lines.push(`  ${format(category.score)}  ${category.name}`);
  }
  const order = retrieval.hybrid ? ', in fused order' : '';
  lines.push(
    `Stage ${retrieval.stages === 'two-stage' ? 2 : 1} — documents (cosine${order}; threshold ${retrieval.thresholds.document}):`,
  );
  for (const document of retrieval.scores.documents) lines.push(`  ${format(document.score)}  ${document.title}`);
  if (retrieval.rerank) {
    const { model, candidates, threshold } = retrieval.rerank;
    lines.push(
      `Reranker ${model} — read ${countOf(candidates, 'passage')} that passed the embedding gate (floor ${threshold}):`,
    );
    for (const document of retrieval.scores.documents.filter((entry) => entry.rerankScore !== undefined))
      lines.push(`  ${format(document.rerankScore ?? 0)}  ${document.title} (cosine ${format(document.score)})`);
  }
  lines.push('');
  return lines;
}

function describeRoute(retrieval: RetrievalResult): string {
  const fused = retrieval.hybrid ? ', vector and keyword (BM25) ranks fused' : '';
  const searched =
    retrieval.searchedCategories.length > 1
      ? `; searched ${retrieval.searchedCategories.length} near-tied categories`
      : '';
  return retrieval.stages === 'two-stage'
    ? `${retrieval.route} — best category, then its best document${fused}${searched}; each gated on cosine`
    : `${retrieval.route} — every document${fused}; the first that reaches the threshold (cosine) answers`;
}

/**
 * After the answer: where it came from (citations, highest score first, numbered as the model
 * saw them), or why there is none. When the model itself refused, `explain` lists the chunks it
 * was given, so the refusal can be debugged.
 */
export function describeSource(result: AskResult, options: { explain?: boolean | undefined } = {}): string[] {
  const { retrieval } = result;
  const setAside = (result.setAside ?? []).map(
    (sentence) =>
      `Set aside: "${clipped(sentence.sentence)}" (similarity ${format(sentence.score)} to the question, below ${format(retrieval.thresholds.source ?? 0)}); the first answer came only from it, so the model was asked again without it.`,
  );
  if (retrieval.document && result.refusedBy === 'grounding') {
    const source = result.unrelatedSources?.[0];
    const why = source
      ? `its words come only from "${source.sentence}" (similarity ${format(source.score)} to the question, below ${format(retrieval.thresholds.source ?? 0)}), which does not answer it`
      : `it stated ${(result.ungrounded ?? []).join(', ')}, which "${retrieval.document.title}" does not say`;
    return [
      ...setAside,
      `The answer was withdrawn: ${why}; nothing is cited.`,
      ...(options.explain ? chunkLines(result) : []),
    ];
  }
  if (retrieval.document && result.refusedBy === 'model') {
    const lines = [
      `The language model found no answer in "${retrieval.document.title}" (score ${format(retrieval.document.score)}), the closest document; nothing is cited.`,
    ];
    if (options.explain) {
      lines.push(`It was given ${countOf(retrieval.context.length, 'chunk')}:`);
      lines.push(...chunkLines(result));
    }
    return lines;
  }
  if (retrieval.document) {
    return [
      ...setAside,
      `Source: "${retrieval.document.title}" in ${retrieval.document.category} (score ${format(retrieval.document.score)})`,
      ...chunkLines(result),
    ];
  }
  if (retrieval.refusal === 'rerank-below-threshold' && retrieval.rerank) {
    const reranked = retrieval.scores.documents.filter((document) => document.rerankScore !== undefined);
    const best = Math.max(...reranked.map((document) => document.rerankScore ?? 0));
    return [
      `No passage reached the reranker's floor ${retrieval.rerank.threshold}${reranked.length > 0 ? ` (best: ${format(best)})` : ''}; the language model was not called.`,
    ];
  }
  if (retrieval.refusal === 'no-supporting-sentence') {
    const support = retrieval.support;
    const best = support ? ` (best: ${format(support.score)}, "${clipped(support.sentence)}")` : '';
    const title = support ? `"${support.title}"` : 'The closest document';
    return [
      `${title} passed the document threshold, but none of its sentences reached the support threshold ${retrieval.thresholds.support}${best}; the language model was not called.`,
    ];
  }
  const stage = retrieval.refusal === 'category-below-threshold' ? 'category' : 'document';
  const best = highestScore<{ score: number }>(
    stage === 'category' ? retrieval.scores.categories : retrieval.scores.documents,
  );
  const threshold = stage === 'category' ? retrieval.thresholds.category : retrieval.thresholds.document;
  return [
    `No ${stage} reached the threshold ${threshold}${best ? ` (best cosine: ${format(best.score)})` : ''}; the language model was not called.`,
  ];
}

function chunkLines(result: AskResult): string[] {
  return contextByScore(result).map((chunk) => {
    const reranked = chunk.rerankScore === undefined ? '' : `, rerank ${format(chunk.rerankScore)}`;
    return `  [${chunk.number}] ${citationLabel(chunk)} (score ${format(chunk.score)}${reranked})`;
  });
}

/** A sentence short enough for one line of an explanation. */
function clipped(sentence: string, length = 60): string {
  const characters = [...sentence];
  return characters.length <= length ? sentence : `${characters.slice(0, length).join('')}…`;
}
