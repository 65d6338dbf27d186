import type { RetrievalResult } from '../retrieval/retrieval-result.js';

/**
 * A retrieval result that found exactly one document with one chunk of `text`, as
 * `answerQuestion` receives it: for tests and benches that judge the answer alone.
 */
export function retrievalThatFound(title: string, text: string): RetrievalResult {
  const document = { documentId: 1, title, category: 'test', score: 1 };
  return {
    route: 'hybrid',
    stages: 'flat',
    hybrid: true,
    searchedCategories: [],
    category: null,
    document,
    context: [{ title, category: 'test', source: `${title}.md`, position: 0, score: 1, text }],
    scores: { categories: [], documents: [document] },
    thresholds: { category: 0, document: 0 },
    rerank: null,
    refusal: null,
  };
}
