/**
 * Which retrieval route should be the default? Scores every labelled question once per
 * route family with open thresholds (each text embedded once, all sizes by truncation), then
 * replays candidate routes at a grid of document thresholds and prints, per data set and
 * size: answered from the right document (gate included), answered wrongly, and the refusal
 * gate's precision/recall on questions whose article was held out of the knowledge base.
 *
 *   node --import tsx bench/route-study.ts --model EmbeddingGemma.gguf --xquad ../shared/data/xquad \
 *     --sets en,zh,zh-en,seed --dims 768,512,256,128 [--json out.json]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRag, type Rag } from '../src/app/rag.js';
import type { CachingEmbeddingModel } from '../src/embedding/caching-embedding-model.js';
import { documentId } from '../src/eval/score-questions.js';
import { holdOut } from '../src/eval/seeded-split.js';
import { type BenchmarkDataset, loadXquad } from '../src/eval/xquad-dataset.js';
import { parseKnowledgeBase } from '../src/knowledge/load-knowledge-base.js';
import { retrieve } from '../src/retrieval/retrieve.js';
import { resolveRoute } from '../src/retrieval/route.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    xquad: { type: 'string', default: '../shared/data/xquad' },
    sets: { type: 'string', default: 'en,zh-en,seed' },
    dims: { type: 'string', default: '768' },
    json: { type: 'string' },
    threads: { type: 'string', default: '1' },
    cache: { type: 'string', default: '/tmp/route-study-vectors.jsonl' },
  },
});

interface Labelled {
  question: string;
  /** documentId of the gold document, or null when it should be refused. */
  gold: string | null;
  goldCategory: string | null;
}

interface StudySet {
  name: string;
  knowledgeBase: BenchmarkDataset['knowledgeBase'];
  questions: Labelled[];
  /** Categories removed for the refusal pass (their questions become unanswerable). */
  heldOut: string[];
}

interface Doc {
  id: string;
  category: string;
  score: number;
  keywordScore?: number | undefined;
}
interface Profile {
  categories: Array<{ name: string; score: number }>;
  flat: Doc[];
  hybrid: Doc[];
}

const open = { category: -1, document: -1 };

async function profileOf(rag: Rag, index: Awaited<ReturnType<Rag['index']>>, question: string): Promise<Profile> {
  const all = Number.MAX_SAFE_INTEGER;
  const toDoc = (document: { category: string; title: string; score: number; keywordScore?: number | undefined }) => ({
    id: documentId(document),
    category: document.category,
    score: document.score,
    keywordScore: document.keywordScore,
  });
  const route = (mode: 'flat' | 'hybrid' | 'two-stage') => ({ ...resolveRoute({ mode }), topK: all });
  const flat = await retrieve(index, question, { route: route('flat'), thresholds: open });
  const hybrid = await retrieve(index, question, { route: route('hybrid'), thresholds: open });
  const twoStage = await retrieve(index, question, { route: route('two-stage'), thresholds: open });
  void rag;
  return {
    categories: twoStage.scores.categories.map(({ name, score }) => ({ name, score })),
    flat: flat.scores.documents.map(toDoc),
    hybrid: hybrid.scores.documents.map(toDoc),
  };
}

/** A candidate route: given a profile and threshold, the document answered from, or null. */
type Route = (profile: Profile, threshold: number) => Doc | null;

const firstAbove = (documents: readonly Doc[], threshold: number) =>
  documents.find((document) => document.score >= threshold) ?? null;

const inCategories = (documents: readonly Doc[], names: ReadonlySet<string>) =>
  documents.filter((document) => names.has(document.category));

function topCategories(profile: Profile, count: number): Set<string> {
  return new Set(profile.categories.slice(0, count).map((category) => category.name));
}

function boosted(documents: readonly Doc[], profile: Profile, weight: number): Doc[] {
  const categoryScore = new Map(profile.categories.map((category) => [category.name, category.score]));
  const best = profile.categories[0]?.score ?? 0;
  return documents
    .map((document, rank) => ({
      document,
      key: document.score + weight * ((categoryScore.get(document.category) ?? 0) - best),
      rank,
    }))
    .sort((left, right) => right.key - left.key || left.rank - right.rank)
    .map((entry) => entry.document);
}

/** Document-level RRF with the keyword list weighted by `weight` (XQuAD documents are one chunk each). */
function weightedFusion(profile: Profile, weight: number): Doc[] {
  const keywordRank = new Map(
    profile.hybrid
      .filter((document) => (document.keywordScore ?? 0) > 0)
      .sort((left, right) => (right.keywordScore ?? 0) - (left.keywordScore ?? 0))
      .map((document, rank) => [document.id, rank + 1]),
  );
  const fused = (document: Doc, rank: number) => {
    const keyword = keywordRank.get(document.id);
    return 1 / (60 + rank + 1) + (keyword === undefined ? 0 : weight / (60 + keyword));
  };
  return profile.flat
    .map((document, rank) => ({ document, key: fused(document, rank), rank }))
    .sort((left, right) => right.key - left.key || left.rank - right.rank)
    .map((entry) => entry.document);
}

/** Keyword fusion only among documents within `band` of the best cosine; the rest keep cosine order. */
function banded(profile: Profile, band: number): Doc[] {
  const best = profile.flat[0]?.score ?? 0;
  const near = new Set(profile.flat.filter((document) => document.score >= best - band).map((document) => document.id));
  const fusedNear = profile.hybrid.filter((document) => near.has(document.id));
  return [...fusedNear, ...profile.flat.filter((document) => !near.has(document.id))];
}

const routes: Record<string, Route> = {
  'seed two-stage': (profile, t) => {
    const best = profile.categories[0];
    if (!best || best.score < t) return null;
    const top = inCategories(profile.flat, new Set([best.name]))[0];
    return top && top.score >= t ? top : null;
  },
  'two-stage, fallback 2 within 0.1': (profile, t) => {
    const [best, second] = profile.categories;
    if (!best || best.score < t) return null;
    const names = new Set([best.name]);
    if (second && second.score >= t && best.score - second.score < 0.1) names.add(second.name);
    const top = inCategories(profile.flat, names)[0];
    return top && top.score >= t ? top : null;
  },
  flat: (profile, t) => {
    const top = profile.flat[0];
    return top && top.score >= t ? top : null;
  },
  // The route as implemented (retrieve.ts): keywords reorder documents within 0.05 of the best cosine.
  'hybrid (fused top gated)': (profile, t) => {
    const top = profile.hybrid[0];
    return top && top.score >= t ? top : null;
  },
  'hybrid (first fused ≥ t)': (profile, t) => firstAbove(profile.hybrid, t),
  'hybrid, keywords fused over every document': (profile, t) => firstAbove(weightedFusion(profile, 1), t),
  'hybrid, keyword ranks weighted 0.25': (profile, t) => firstAbove(weightedFusion(profile, 0.25), t),
  'hybrid, keywords within 0.1 of best cosine': (profile, t) => firstAbove(banded(profile, 0.1), t),
  // Narrower than the route's 0.05 band: the fused order restricted to the nearer documents.
  'hybrid, keywords within 0.03 of best cosine': (profile, t) => firstAbove(banded(profile, 0.03), t),
  'hybrid, keywords within 0.02 of best cosine': (profile, t) => firstAbove(banded(profile, 0.02), t),
  'hybrid in top-3 categories': (profile, t) => firstAbove(inCategories(profile.hybrid, topCategories(profile, 3)), t),
  'hybrid + category boost 0.1': (profile, t) => firstAbove(boosted(profile.hybrid, profile, 0.1), t),
  'flat + category boost 0.1': (profile, t) => firstAbove(boosted(profile.flat, profile, 0.1), t),
  'flat + category boost 0.25': (profile, t) => firstAbove(boosted(profile.flat, profile, 0.25), t),
};

async function xquadSet(name: string, lang: string, kbLang: string): Promise<StudySet> {
  const dataset = await loadXquad(args.xquad as string, lang, kbLang);
  return {
    name,
    knowledgeBase: dataset.knowledgeBase,
    questions: dataset.questions.map((question) => ({
      question: question.question,
      gold: documentId(question),
      goldCategory: question.category,
    })),
    heldOut: holdOut(
      dataset.knowledgeBase.map((category) => category.category),
      0.2,
      1,
    ),
  };
}

async function seedSet(): Promise<StudySet> {
  const directory = join(import.meta.dirname, '..', 'test', 'real', 'data');
  const knowledgeBase = parseKnowledgeBase(await readFile(join(directory, 'seed-kb.json'), 'utf8'), 'seed-kb.json');
  const lines = (await readFile(join(directory, 'seed-kb.labels.jsonl'), 'utf8')).split('\n').filter(Boolean);
  const questions = lines.map((line) => {
    const label = JSON.parse(line) as { question: string; expected: { category: string; title: string } | null };
    return {
      question: label.question,
      gold: label.expected ? documentId(label.expected) : null,
      goldCategory: label.expected?.category ?? null,
    };
  });
  return { name: 'seed', knowledgeBase: knowledgeBase as StudySet['knowledgeBase'], questions, heldOut: [] };
}

async function loadSet(name: string): Promise<StudySet> {
  if (name === 'seed') return seedSet();
  const [lang, kbLang] = name.split('-');
  return xquadSet(name, lang as string, kbLang ?? (lang as string));
}

interface Row {
  set: string;
  dims: number;
  route: string;
  threshold: number;
  answeredRight: number;
  answeredWrong: number;
  refusedAnswerable: number;
  refusalPrecision: number | null;
  refusalRecall: number | null;
  answerable: number;
  unanswerable: number;
}

function evaluate(
  set: StudySet,
  dims: number,
  full: Profile[],
  reduced: Profile[] | undefined,
  thresholds: number[],
): Row[] {
  const rows: Row[] = [];
  const heldOut = new Set(set.heldOut);
  for (const [routeName, route] of Object.entries(routes)) {
    for (const threshold of thresholds) {
      // Answer rate: every question against the full knowledge base (labelled unanswerable ones count for refusal).
      let right = 0;
      let wrong = 0;
      let refusedAnswerable = 0;
      let answerable = 0;
      let refusedUnanswerable = 0;
      let unanswerable = 0;
      let refusedInScope = 0;
      full.forEach((profile, position) => {
        const label = set.questions[position] as Labelled;
        const chosen = route(profile, threshold);
        if (label.gold === null) {
          unanswerable++;
          if (!chosen) refusedUnanswerable++;
          return;
        }
        answerable++;
        if (!chosen) refusedAnswerable++;
        else if (chosen.id === label.gold) right++;
        else wrong++;
      });
      // Refusal: questions about held-out articles against the reduced knowledge base.
      if (reduced) {
        reduced.forEach((profile, position) => {
          const label = set.questions[position] as Labelled;
          const chosen = route(profile, threshold);
          if (label.goldCategory !== null && heldOut.has(label.goldCategory)) {
            unanswerable++;
            if (!chosen) refusedUnanswerable++;
          } else if (!chosen) refusedInScope++;
        });
      } else {
        refusedInScope = refusedAnswerable;
      }
      const refused = refusedUnanswerable + refusedInScope;
      rows.push({
        set: set.name,
        dims,
        route: routeName,
        threshold,
        answeredRight: right / answerable,
        answeredWrong: wrong / answerable,
        refusedAnswerable: refusedAnswerable / answerable,
        refusalPrecision: refused === 0 ? null : refusedUnanswerable / refused,
        refusalRecall: unanswerable === 0 ? null : refusedUnanswerable / unanswerable,
        answerable,
        unanswerable,
      });
    }
  }
  return rows;
}

/** Vectors survive restarts: one JSON line per text, keyed by the model file. */
async function loadVectors(cache: CachingEmbeddingModel, file: string) {
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return;
  }
  const entries: Array<[string, Float32Array]> = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const { model, input, vector } = JSON.parse(line) as { model: string; input: string; vector: number[] };
    if (model === cache.fingerprint) entries.push([input, Float32Array.from(vector)]);
  }
  cache.preload(entries);
  process.stderr.write(`loaded ${entries.length} cached vectors\n`);
}

async function saveVectors(cache: CachingEmbeddingModel, file: string) {
  const lines = [...cache.entries()].map(([input, vector]) =>
    JSON.stringify({ model: cache.fingerprint, input, vector: Array.from(vector) }),
  );
  await writeFile(file, `${lines.join('\n')}\n`);
}

async function main() {
  if (!args.model) throw new Error('--model FILE.gguf is required');
  const sizes = (args.dims as string).split(',').map(Number);
  const native = await createRag(
    { engine: 'llama-cpp', embeddingModel: args.model, threads: Number(args.threads) },
    { cacheEmbeddings: true },
  );
  const cache = native.embedder.model as CachingEmbeddingModel;
  await loadVectors(cache, args.cache as string);
  const thresholds = Array.from({ length: 41 }, (_, step) => Math.round((0.15 + step * 0.01) * 100) / 100);
  const rows: Row[] = [];
  try {
    for (const name of (args.sets as string).split(',')) {
      const set = await loadSet(name);
      for (const dims of sizes) {
        const rag = native.resized(dims);
        const started = Date.now();
        await using index = await rag.index(set.knowledgeBase);
        const full: Profile[] = [];
        for (const [done, label] of set.questions.entries()) {
          full.push(await profileOf(rag, index, label.question));
          if (done % 100 === 99) {
            process.stderr.write(`  ${name} ${dims}d: ${done + 1}/${set.questions.length}\n`);
            await saveVectors(cache, args.cache as string);
          }
        }
        await saveVectors(cache, args.cache as string);
        let reduced: Profile[] | undefined;
        if (set.heldOut.length > 0) {
          for (const article of set.heldOut) await index.knowledge.removeCategory(article);
          reduced = [];
          for (const label of set.questions) reduced.push(await profileOf(rag, index, label.question));
        }
        process.stderr.write(
          `${name} ${dims}d: ${set.questions.length} questions in ${(Date.now() - started) / 1000} s\n`,
        );
        rows.push(...evaluate(set, dims, full, reduced, thresholds));
      }
    }
  } finally {
    await native.dispose();
  }
  if (args.json) await writeFile(args.json, JSON.stringify(rows, null, 1));
  printSummary(rows);
}

function printSummary(rows: Row[]) {
  const fixed = (value: number | null) => (value === null ? '  —  ' : value.toFixed(3));
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = `${row.set} ${row.dims}d`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  for (const [key, group] of groups) {
    console.log(`\n## ${key}\n`);
    console.log('| route | t | right | wrong | refused answerable | refusal P | refusal R |');
    console.log('|---|---|---|---|---|---|---|');
    for (const routeName of Object.keys(routes)) {
      const mine = group.filter((row) => row.route === routeName);
      const pick = (t: number) => mine.find((row) => Math.abs(row.threshold - t) < 1e-9);
      for (const t of [0.4, 0.35, 0.3, 0.25, 0.2]) {
        const row = pick(t);
        if (!row) continue;
        console.log(
          `| ${routeName} | ${t.toFixed(2)} | ${fixed(row.answeredRight)} | ${fixed(row.answeredWrong)} | ${fixed(row.refusedAnswerable)} | ${fixed(row.refusalPrecision)} | ${fixed(row.refusalRecall)} |`,
        );
      }
    }
  }
}

await main();
