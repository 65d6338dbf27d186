/**
 * Follow-up questions on a real model: hit@1 of the last turn of 42 two- and three-turn
 * conversations (bench/data/follow-ups.jsonl: zh/en/ja over the bundled example knowledge base;
 * pronouns, ellipsis, topic switches) when retrieval searches
 * - the follow-up as asked (no rewrite),
 * - the previous question joined to it (the fallback),
 * - the language model's rewrite as it came out (unchecked),
 * - the default: the rewrite when rewrite-check.ts accepts it, else the joined question.
 * Run by hand with real weights (scripts/real-weights.sh):
 *
 *   node --import tsx bench/follow-ups.ts --embedding-model ~/.cache/gemma-rag-test-weights/embeddinggemma-300m-q8_0.gguf \
 *     --generation-model ~/.cache/gemma-rag-test-weights/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf [--json rows.json]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createRag } from '../src/app/rag.js';
import { exampleKnowledgeBasePath, loadKnowledgeBaseFile } from '../src/knowledge/load-knowledge-base.js';

const { values } = parseArgs({
  options: {
    'embedding-model': { type: 'string' },
    'generation-model': { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'string' },
    /** `off`: the document gate alone, to see what the support gate costs. */
    'support-threshold': { type: 'string' },
  },
});
if (!values['embedding-model'] || !values['generation-model']) {
  throw new Error('--embedding-model and --generation-model are required');
}

const conversationSchema = z.object({
  id: z.number(),
  lang: z.enum(['zh', 'en', 'ja']),
  kind: z.string(),
  history: z.array(z.object({ question: z.string().min(1) })).min(1),
  question: z.string().min(1),
  gold: z.string().min(1),
});
const file = new URL('./data/follow-ups.jsonl', import.meta.url);
const conversations = (await readFile(file, 'utf8'))
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => conversationSchema.parse(JSON.parse(line)));

const knowledgeBase = await loadKnowledgeBaseFile(exampleKnowledgeBasePath);
const titles = new Set(knowledgeBase.flatMap((category) => category.documents.map((document) => document.title)));
for (const conversation of conversations) {
  if (!titles.has(conversation.gold))
    throw new Error(`conversation ${conversation.id}: no document "${conversation.gold}"`);
}

await using rag = await createRag({
  embeddingModel: values['embedding-model'],
  generationModel: values['generation-model'],
  ...(values.threads ? { threads: Number(values.threads) } : {}),
  ...(values['support-threshold'] === 'off' ? { supportThreshold: false as const } : {}),
});
await using index = await rag.index(knowledgeBase);
/** The top document, and the one answered from: null when a gate (document or support) refused. */
const search = async (query: string) => {
  const retrieval = await rag.retrieve(index, query);
  return { top: retrieval.scores.documents[0]?.title, answered: retrieval.document?.title ?? null };
};

const methods = ['no rewrite', 'joined', 'LM rewrite, unchecked', 'default (checked, else joined)'] as const;
interface Row {
  id: number;
  lang: string;
  kind: string;
  hits: Record<(typeof methods)[number], boolean>;
  /** Answered from the gold document: the gates passed. */
  answered: Record<(typeof methods)[number], boolean>;
  rewrite: string;
  fallback: string | null;
}
const rows: Row[] = [];
const started = performance.now();
for (const conversation of conversations) {
  const { question, history, gold } = conversation;
  const joined = await rag.condense(question, history, { generate: false });
  const checked = await rag.condense(question, history);
  const rewrite = checked?.rejected?.split(/[\r\n]+/)[0]?.trim() ?? checked?.standalone ?? question;
  const found = {
    'no rewrite': await search(question),
    joined: await search(joined?.standalone ?? question),
    'LM rewrite, unchecked': await search(rewrite || question),
    'default (checked, else joined)': await search(checked?.standalone ?? question),
  };
  const hits = Object.fromEntries(methods.map((method) => [method, found[method].top === gold])) as Row['hits'];
  const answered = Object.fromEntries(
    methods.map((method) => [method, found[method].answered === gold]),
  ) as Row['answered'];
  rows.push({
    id: conversation.id,
    lang: conversation.lang,
    kind: conversation.kind,
    hits,
    answered,
    rewrite,
    fallback: checked?.fallback ?? null,
  });
  if (process.env.SHOW_REWRITES) {
    console.error(
      `#${conversation.id} ${question} → ${JSON.stringify(rewrite)}${checked?.fallback ? ` (rejected: ${checked.fallback})` : ''}`,
    );
  }
}

const share = (list: readonly Row[], method: (typeof methods)[number], key: 'hits' | 'answered' = 'hits') =>
  `${list.filter((row) => row[key][method]).length}/${list.length}`;
console.log(
  `${rows.length} conversations · answers model ${basename(values['generation-model'])} · retrieval ${basename(values['embedding-model'])} (hybrid, default) · ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
);
console.log(
  '| last turn searched as | hit@1 | zh | en | ja | answered from gold (gates passed) |\n|---|---:|---:|---:|---:|---:|',
);
for (const method of methods) {
  const by = (lang: string) =>
    share(
      rows.filter((row) => row.lang === lang),
      method,
    );
  console.log(
    `| ${method} | ${share(rows, method)} | ${by('zh')} | ${by('en')} | ${by('ja')} | ${share(rows, method, 'answered')} |`,
  );
}
const rejected = rows.filter((row) => row.fallback);
console.log(`\nRewrites rejected: ${rejected.length}/${rows.length}`);
for (const row of rejected) console.log(`- #${row.id} ${JSON.stringify(row.rewrite)}: ${row.fallback}`);
if (values.json) await writeFile(values.json, JSON.stringify(rows, null, 2));
