import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countOutcomes, decide, type LabelledProfile, type ScoreProfile, summarize } from './answer-decision.js';
import { calibrateThresholds } from './calibrate-thresholds.js';
import { seededRandom } from './seeded-split.js';

const document = (category: string, title: string, score: number) => ({ category, title, score });
const flatProfile = (...documents: ReturnType<typeof document>[]): ScoreProfile => ({ categories: [], documents });
const unused = { category: 0.4, document: 0.4 };

test('flat: the document threshold that maximizes answer F1 in a hand-worked example', () => {
  // Sorted by best score: 0.9 correct, 0.7 wrong, 0.6 correct, 0.5 and 0.3 should be refused.
  // With 3 answerable questions, F1 = 2·correct / (answered + 3):
  //   t=0.9 → 2/4 = 0.5; t=0.7 → 2/5 = 0.4; t=0.6 → 4/6 = 0.667; t=0.5 → 4/7 = 0.571; t=0.3 → 4/8 = 0.5.
  const labelled: LabelledProfile[] = [
    { expected: { category: 'K', title: 'A' }, profile: flatProfile(document('K', 'A', 0.9), document('K', 'B', 0.2)) },
    { expected: { category: 'K', title: 'B' }, profile: flatProfile(document('K', 'B', 0.6)) },
    {
      expected: { category: 'K', title: 'C' },
      profile: flatProfile(document('K', 'D', 0.7), document('K', 'C', 0.65)),
    },
    { expected: null, profile: flatProfile(document('K', 'A', 0.5)) },
    { expected: null, profile: flatProfile(document('K', 'B', 0.3)) },
  ];
  const chosen = calibrateThresholds({ mode: 'flat', labelled, current: unused });
  assert.deepEqual(chosen.thresholds, { category: 0.4, document: 0.6 });
  assert.equal(chosen.categoryFallback, null);
  assert.ok(Math.abs(chosen.f1 - 2 / 3) < 1e-12);
  const summary = summarize(countOutcomes('flat', labelled, { thresholds: chosen.thresholds }));
  assert.equal(summary.answerF1, chosen.f1);
  assert.equal(summary.refusalRecall, 1);
  assert.equal(summary.refusalPrecision, 1); // only q4 and q5 are refused; the wrong answer at 0.7 is given
  assert.equal(summary.answerAccuracy, 2 / 3);
});

test('two-stage: calibration picks the category threshold and the fallback margin a near tie needs', () => {
  // q1: stage 1 prefers Y by 0.02, but the answer is in X; only a fallback margin above 0.02 finds it.
  // q2: should be refused; stage 1 tops at 0.2, its document scores 0.5.
  // q3: an easy one.
  // Category candidates are 0.2, 0.5, 0.6; margins 0, 0.021, 0.101, 0.301. Only category 0.2 keeps
  // X (0.48) searchable, and document 0.7 then answers q1 and q3 and refuses q2: F1 = 1. Margins
  // 0.101 and 0.301 tie with 0.021; the smallest wins.
  const labelled: LabelledProfile[] = [
    {
      expected: { category: 'X', title: 'x1' },
      profile: {
        categories: [
          { name: 'Y', score: 0.5 },
          { name: 'X', score: 0.48 },
          { name: 'Z', score: 0.1 },
        ],
        documents: [document('X', 'x1', 0.8), document('Y', 'y1', 0.4)],
      },
    },
    {
      expected: null,
      profile: {
        categories: [
          { name: 'Z', score: 0.2 },
          { name: 'Y', score: 0.1 },
        ],
        documents: [document('Z', 'z1', 0.5)],
      },
    },
    {
      expected: { category: 'Y', title: 'y1' },
      profile: {
        categories: [
          { name: 'Y', score: 0.6 },
          { name: 'X', score: 0.3 },
        ],
        documents: [document('Y', 'y1', 0.7), document('X', 'x1', 0.2)],
      },
    },
  ];
  const chosen = calibrateThresholds({ mode: 'two-stage', labelled, current: unused, fallbackCategories: 2 });
  assert.deepEqual(chosen, {
    thresholds: { category: 0.2, document: 0.7 },
    categoryFallback: { categories: 2, margin: 0.021 },
    f1: 1,
  });
  const settings = { thresholds: chosen.thresholds, categoryFallback: { categories: 2, margin: 0.021 } };
  assert.equal(decide('two-stage', labelled[0]?.profile as ScoreProfile, settings).answer?.title, 'x1');
  assert.equal(decide('two-stage', labelled[1]?.profile as ScoreProfile, settings).answer, null);
  // Without a fallback the best is worse: q1 is answered from y1 or refused.
  const single = calibrateThresholds({ mode: 'two-stage', labelled, current: unused, fallbackCategories: 1 });
  assert.equal(single.categoryFallback, null);
  assert.ok(single.f1 < 1);
});

test('the sweep scores every setting exactly as replaying decide() does', () => {
  const random = seededRandom(7);
  const categories = ['A', 'B', 'C', 'D'];
  const labelled: LabelledProfile[] = Array.from({ length: 60 }, () => {
    const categoryScores = categories
      .map((name) => ({ name, score: Math.round(random() * 100) / 100 }))
      .sort((left, right) => right.score - left.score);
    const documents = categories
      .flatMap((category) => [1, 2].map((n) => document(category, `${category}${n}`, Math.round(random() * 100) / 100)))
      .sort((left, right) => right.score - left.score);
    const gold = categories[Math.floor(random() * 4)] as string;
    return {
      expected: random() < 0.25 ? null : { category: gold, title: `${gold}${random() < 0.5 ? 1 : 2}` },
      profile: { categories: categoryScores, documents },
    };
  });
  // Hybrid profiles are in fused order, not by score: shuffle them so the gate's "first eligible
  // in the route's order" matters.
  const fused = labelled.map(({ expected, profile }) => ({
    expected,
    profile: { ...profile, documents: [...profile.documents].sort(() => random() - 0.5) },
  }));
  for (const mode of ['two-stage', 'flat', 'hybrid'] as const) {
    const items = mode === 'hybrid' ? fused : labelled;
    for (const fallbackCategories of [1, 3]) {
      const chosen = calibrateThresholds({ mode, labelled: items, current: unused, fallbackCategories });
      const replayed = summarize(
        countOutcomes(mode, items, {
          thresholds: chosen.thresholds,
          categoryFallback: chosen.categoryFallback ?? undefined,
        }),
      );
      assert.ok(Math.abs((replayed.answerF1 ?? -1) - chosen.f1) < 1e-12, `${mode}/${fallbackCategories}`);
    }
  }
});

test('decide refuses below either threshold and names the stage', () => {
  const profile: ScoreProfile = {
    categories: [{ name: 'K', score: 0.3 }],
    documents: [document('K', 'A', 0.5)],
  };
  assert.equal(
    decide('two-stage', profile, { thresholds: { category: 0.4, document: 0 } }).refusal,
    'category-below-threshold',
  );
  assert.equal(
    decide('two-stage', profile, { thresholds: { category: 0.3, document: 0.6 } }).refusal,
    'document-below-threshold',
  );
  assert.equal(decide('two-stage', profile, { thresholds: { category: 0.3, document: 0.5 } }).answer?.title, 'A');
});
