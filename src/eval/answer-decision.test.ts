import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createRag } from '../app/rag.js';
import { exampleKnowledgeBasePath, loadKnowledgeBaseFile } from '../knowledge/load-knowledge-base.js';
import type { KnowledgeIndex } from '../retrieval/knowledge-index.js';
import { retrieve } from '../retrieval/retrieve.js';
import { resolveRoute } from '../retrieval/route.js';
import { decide, type EvalMode, evalModes } from './answer-decision.js';
import { scoreQuestions } from './score-questions.js';

// Live retrieval and the replay of recorded scores (eval, calibrate) must make the same
// decision for every route and threshold: both go through retrieval/refusal-gate.ts.
const questions = [
  '如何重置密码？',
  'How do I reset my password?',
  'パスワードを忘れました',
  '年假有几天？',
  'expense claim deadline receipts',
  '会議室の予約方法は？',
  'parcels',
  'travel taxi',
  '今天天气怎么样？',
  'What is the capital of France?',
  'leave',
  'software',
];
const thresholdGrid = [-1, 0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6];

let index: KnowledgeIndex;
before(async () => {
  const rag = await createRag({ engine: 'lexical' });
  index = await rag.index(await loadKnowledgeBaseFile(exampleKnowledgeBasePath));
});

for (const mode of evalModes) {
  test(`replaying recorded scores decides like live retrieval: ${mode}`, async () => {
    const fallback = mode === 'two-stage' ? { categories: 2, margin: 0.2 } : undefined;
    const scored = await scoreQuestions(index, questions, { modes: [mode], categoryFallback: undefined });
    const profiles = scored.get(mode as EvalMode) ?? [];
    let compared = 0;
    for (const categoryFallback of fallback ? [undefined, fallback] : [undefined]) {
      const route = resolveRoute({
        mode,
        ...(categoryFallback
          ? { categoryFallback: categoryFallback.categories, categoryMargin: categoryFallback.margin }
          : {}),
      });
      for (const category of mode === 'two-stage' ? thresholdGrid : [0.4]) {
        for (const document of thresholdGrid) {
          const thresholds = { category, document };
          for (const [position, question] of questions.entries()) {
            const live = await retrieve(index, question, { route, thresholds });
            const replay = decide(mode, profiles[position]?.profile ?? { categories: [], documents: [] }, {
              thresholds,
              categoryFallback,
            });
            const label = `${mode} ${JSON.stringify(thresholds)} fallback ${JSON.stringify(categoryFallback)} "${question}"`;
            assert.equal(replay.refusal, live.refusal, label);
            assert.deepEqual(
              replay.answer && { category: replay.answer.category, title: replay.answer.title },
              live.document && { category: live.document.category, title: live.document.title },
              label,
            );
            compared++;
          }
        }
      }
    }
    assert.ok(compared >= questions.length * thresholdGrid.length);
  });
}
