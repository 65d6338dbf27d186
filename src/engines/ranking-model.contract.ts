import assert from 'node:assert/strict';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import type { RankingModel } from '../spec/ranking-model.js';
import { contractCase } from '../testing/contract-case.js';

export const rankingContractCases = [
  'one score in [0, 1] per passage, in passage order',
  'scores do not depend on the other passages or their order',
  'deterministic',
  'no passages, no scores',
  'an aborted signal',
  'Chinese, Japanese and English passages',
] as const;
export type RankingContractCase = (typeof rankingContractCases)[number];

export interface RankingModelContractOptions {
  /** Creates a ready model; called once per case, and disposed after it. */
  create: () => Promise<RankingModel>;
  skips?: Partial<Record<RankingContractCase, string>>;
}

const query = 'How do I reset my password?';
const passages = [
  'Reset your password at the self-service portal.',
  'Bake the bread at 220 degrees for forty minutes.',
  'The office opens at nine.',
];

/** The behaviour every RankingModel must have; each engine's test file calls this. */
export function rankingModelContract(name: string, options: RankingModelContractOptions): void {
  const skips: Partial<Record<RankingContractCase, string>> = options.skips ?? {};
  const withModel = (title: RankingContractCase, body: (model: RankingModel) => Promise<void>) =>
    contractCase(`${name}: ${title}`, skips[title], options.create, (model) => model.dispose(), body);

  withModel('one score in [0, 1] per passage, in passage order', async (model) => {
    assert.ok(model.maxDocumentsPerCall >= 1);
    const { scores } = await model.rank({ query, documents: passages });
    assert.equal(scores.length, passages.length);
    for (const score of scores) assert.ok(Number.isFinite(score) && score >= 0 && score <= 1, String(score));
    // Each position holds that passage's own score.
    for (const [index, passage] of passages.entries()) {
      const alone = await model.rank({ query, documents: [passage] });
      assert.ok(Math.abs((alone.scores[0] ?? Number.NaN) - (scores[index] ?? Number.NaN)) < 1e-6);
    }
  });

  withModel('scores do not depend on the other passages or their order', async (model) => {
    const forward = await model.rank({ query, documents: passages });
    const reversed = await model.rank({ query, documents: [...passages].reverse() });
    assert.deepEqual(
      [...reversed.scores].reverse().map((score) => score.toFixed(6)),
      forward.scores.map((score) => score.toFixed(6)),
    );
  });

  withModel('deterministic', async (model) => {
    const first = await model.rank({ query, documents: passages });
    const second = await model.rank({ query, documents: passages });
    assert.deepEqual(second.scores, first.scores);
  });

  withModel('no passages, no scores', async (model) => {
    assert.deepEqual((await model.rank({ query, documents: [] })).scores, []);
  });

  withModel('an aborted signal', async (model) => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(model.rank({ query, documents: passages, abortSignal: controller.signal }), (error) => {
      assert.ok(GemmaRagError.isInstance(error), `not a GemmaRagError: ${String(error)}`);
      assert.equal(error.code, errorCodes.aborted);
      return true;
    });
  });

  withModel('Chinese, Japanese and English passages', async (model) => {
    const { scores } = await model.rank({
      query: '如何重置密码？',
      documents: ['请访问自助服务门户重置密码。', 'パスワードはポータルで再設定できます。', 'Reset it at the portal.'],
    });
    assert.equal(scores.length, 3);
    assert.ok(scores.every((score) => Number.isFinite(score) && score >= 0 && score <= 1));
  });
}
