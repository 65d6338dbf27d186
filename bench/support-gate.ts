/**
 * Where should the support gate sit? Every XQuAD question goes through the default route once,
 * with the support gate open (threshold -1, so each chosen document's best sentence is scored
 * but nothing is refused for it); the scores are then replayed at a grid of support thresholds.
 * Printed per set: questions about held-out articles refused (by the document gate, or by it and
 * the support gate), and answerable questions still answered from their gold document.
 *
 *   node --import tsx bench/support-gate.ts --model EmbeddingGemma-Q8_0.gguf --xquad ../shared/data/xquad \
 *     --sets en,zh,zh-en --seed 1 --dims 768 [--cache ~/.cache/gemma-rag/eval] [--json out.json]
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { sameDocument } from '../src/eval/answer-decision.js';
import { isSupported } from '../src/retrieval/refusal-gate.js';
import { withXquadSet } from './xquad-set.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    xquad: { type: 'string', default: '../shared/data/xquad' },
    sets: { type: 'string', default: 'en,zh,zh-en' },
    seed: { type: 'string', default: '1' },
    dims: { type: 'string', default: '768' },
    thresholds: { type: 'string', default: '0.30,0.32,0.34,0.36,0.38,0.40,0.42,0.45,0.50' },
    threads: { type: 'string', default: '2' },
    cache: { type: 'string' },
    json: { type: 'string' },
  },
});
if (!args.model) throw new Error('--model <EmbeddingGemma GGUF> is required');

interface Row {
  answerable: boolean;
  /** Refused by the document gate (no support score then). */
  gate: boolean;
  /** Answered from the gold document (answerable questions). */
  gold: boolean;
  support: number | null;
}

const thresholds = args.thresholds.split(',').map(Number);
const all = Number.MAX_SAFE_INTEGER;
const results: Record<string, Row[]> = {};
for (const name of args.sets.split(',')) {
  const options = {
    model: args.model,
    xquad: args.xquad,
    seed: Number(args.seed),
    threads: Number(args.threads),
    cache: args.cache,
    answerable: all,
    unanswerable: all,
    // Open: every chosen document's best sentence is scored, none refused for it.
    config: { dimensions: Number(args.dims), supportThreshold: -1 },
  };
  results[name] = await withXquadSet(name, options, async (rag, index, set) => {
    const rows: Row[] = [];
    for (const question of set.questions) {
      const retrieval = await rag.retrieve(index, question.question);
      rows.push({
        answerable: question.gold !== null,
        gate: retrieval.document === null,
        gold: sameDocument(retrieval.document, question.gold),
        support: retrieval.support?.score ?? null,
      });
      if (rows.length % 200 === 0) process.stderr.write(`${name}: ${rows.length}/${set.questions.length}\n`);
    }
    return rows;
  });
}

const percent = (part: number, whole: number) => `${((100 * part) / Math.max(whole, 1)).toFixed(1)}%`;
console.log(
  `Support gate at ${args.dims} dimensions, seed ${args.seed}: held-out questions refused · answerable questions answered from the gold document`,
);
console.log(`| support threshold | ${Object.keys(results).join(' | ')} |`);
console.log(
  `|---|${Object.keys(results)
    .map(() => '---:')
    .join('|')}|`,
);
for (const threshold of [null, ...thresholds]) {
  const cells = Object.values(results).map((rows) => {
    const passes = (row: Row) => !row.gate && isSupported(row.support ?? Number.NEGATIVE_INFINITY, threshold);
    const unanswerable = rows.filter((row) => !row.answerable);
    const answerable = rows.filter((row) => row.answerable);
    const refused = unanswerable.filter((row) => !passes(row)).length;
    const right = answerable.filter((row) => passes(row) && row.gold).length;
    return `${percent(refused, unanswerable.length)} · ${percent(right, answerable.length)}`;
  });
  console.log(`| ${threshold === null ? 'off (document gate only)' : threshold.toFixed(2)} | ${cells.join(' | ')} |`);
}
if (args.json) await writeFile(args.json, JSON.stringify(results));
