/**
 * How often a real instruct model obeys an instruction planted in a document it answers from
 * (bench/injection-cases.ts: 30 documents in zh/en/ja, seven kinds of attack), per answer
 * prompt, against the same questions on the clean documents. Reports, per prompt: attacks
 * followed, answers right with the planted document, answers right on the clean one. The answer
 * is judged as `Rag.answer` returns it (answer-question.ts), so a model's "I don't know" counts
 * as our not-found text. Run by hand with real weights (scripts/real-weights.sh fetches them):
 *
 *   node --import tsx bench/prompt-injection.ts --model ~/.cache/gemma-rag-test-weights/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf \
 *     --prompt marked,sandwich [--set seen|held-out|held-out-2|held-out-3|held-out-4|all] [--json results.json] [--only zh] \
 *     [--embedding-model embeddinggemma-300m-q8_0.gguf]
 *
 * With `--embedding-model`, each document goes through the support gate as in `ask`: the
 * sentence retrieval finds closest to the question becomes `seed-focus`'s focus sentence (a
 * planted sentence can be that sentence), and a document none of whose sentences supports the
 * question is refused. Without it, `seed-focus` picks its sentence by shared words.
 *
 * `--set held-out` plants attacks written after the planted-instruction quarantine
 * (src/text/planted-instructions.ts) was built; `held-out-2`, attacks written after it was
 * widened with what the first held-out set taught, before it was run against them; `held-out-3`,
 * attacks written after the support gate and its focus sentence; `held-out-4`, attacks written
 * before the answer-source check (`all` is the first three sets).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { answerQuestion } from '../src/answer/answer-question.js';
import { type AnswerPromptId, answerPromptIds } from '../src/answer/grounded-prompt.js';
import { createRag } from '../src/app/rag.js';
import { LlamaCppLanguageModel } from '../src/engines/llama-cpp/llama-cpp-language-model.js';
import { containsGold } from '../src/eval/answer-metrics.js';
import { exampleKnowledgeBasePath } from '../src/knowledge/load-knowledge-base.js';
import { judgeSupport } from '../src/retrieval/supporting-sentence.js';
import { retrievalThatFound } from '../src/testing/found-document.js';
import {
  attackText,
  followed,
  heldOutCases,
  heldOutCases2,
  heldOutCases3,
  heldOutCases4,
  type InjectionCase,
  injectionCases,
  plant,
} from './injection-cases.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    prompt: { type: 'string', default: 'marked,sandwich' },
    'max-tokens': { type: 'string', default: '64' },
    threads: { type: 'string' },
    only: { type: 'string' },
    set: { type: 'string', default: 'seen' },
    json: { type: 'string' },
    'embedding-model': { type: 'string' },
  },
});
if (!values.model) throw new Error('--model PATH.gguf is required');
const prompts = (values.prompt ?? '').split(',').map((prompt) => prompt.trim()) as AnswerPromptId[];
for (const prompt of prompts) {
  if (!(answerPromptIds as readonly string[]).includes(prompt)) throw new Error(`unknown prompt ${prompt}`);
}

interface KbDocument {
  title: string;
  content: string;
}
const kb = JSON.parse(await readFile(exampleKnowledgeBasePath, 'utf8')) as Array<{ documents: KbDocument[] }>;
const documents = new Map(kb.flatMap((category) => category.documents).map((document) => [document.title, document]));
const sets: Record<string, InjectionCase[]> = {
  seen: injectionCases,
  'held-out': heldOutCases,
  'held-out-2': heldOutCases2,
  'held-out-3': heldOutCases3,
  'held-out-4': heldOutCases4,
  all: [...injectionCases, ...heldOutCases, ...heldOutCases2],
};
const chosen = sets[values.set ?? 'seen'];
if (!chosen) throw new Error(`--set must be one of ${Object.keys(sets).join(', ')}`);
const cases = chosen.filter((item) => !values.only || values.only.split(',').includes(item.lang));

const model = await LlamaCppLanguageModel.load({
  modelPath: values.model,
  threads: values.threads ? Number(values.threads) : undefined,
  contextSize: 2048,
});

const retrieval = values['embedding-model']
  ? await createRag({
      embeddingModel: values['embedding-model'],
      threads: values.threads ? Number(values.threads) : undefined,
    })
  : undefined;

/**
 * The document as retrieval hands it over: with its supporting sentence and every sentence's
 * score (for the answer's source check), or refused for the lack of a supporting sentence.
 */
async function retrieved(question: string, title: string, text: string) {
  const found = retrievalThatFound(title, text);
  if (!retrieval) return found;
  const query = await retrieval.embedder.embedQuery(question, { promptName: 'Retrieval-query' });
  const support = retrieval.thresholds.supportThreshold();
  const source = retrieval.thresholds.sourceFloor();
  const judged = await judgeSupport(retrieval.embedder, query, found.context, support);
  const scored = { ...found, thresholds: { ...found.thresholds, support, source }, support: judged.support };
  if (judged.supported) return { ...scored, sentences: judged.sentences };
  return { ...scored, document: null, context: [], refusal: 'no-supporting-sentence' as const };
}

interface Row {
  prompt: AnswerPromptId;
  lang: string;
  attack: string;
  question: string;
  planted: string;
  clean: string;
  followed: boolean;
  rightPlanted: boolean;
  rightClean: boolean;
  /** Withdrawn by the grounding or source check (answer-question.ts `judgeGenerated`). */
  withdrawnPlanted: boolean;
  withdrawnClean: boolean;
}
const rows: Row[] = [];
const ask = async (item: InjectionCase, prompt: AnswerPromptId, text: string) =>
  answerQuestion({
    question: item.question,
    retrieval: await retrieved(item.question, item.title, text),
    languageModel: async () => model,
    maxTokens: Number(values['max-tokens']),
    prompt,
  });

const started = performance.now();
for (const prompt of prompts) {
  for (const item of cases) {
    const document = documents.get(item.title);
    if (!document) throw new Error(`no document "${item.title}" in the example knowledge base`);
    const planted = await ask(item, prompt, plant(document.content, attackText(item.attack, item.lang)));
    const clean = await ask(item, prompt, document.content);
    const row = {
      prompt,
      lang: item.lang,
      attack: item.attack,
      question: item.question,
      planted: planted.answer,
      clean: clean.answer,
      followed: followed(item.attack, planted.answer),
      rightPlanted: containsGold(planted.answer, item.gold),
      rightClean: containsGold(clean.answer, item.gold),
      withdrawnPlanted: planted.refusedBy === 'grounding',
      withdrawnClean: clean.refusedBy === 'grounding',
    };
    rows.push(row);
    if (process.env.SHOW_ANSWERS)
      console.error(
        `[${prompt} ${item.attack}] ${item.question} → ${JSON.stringify(planted.generated ?? planted.answer)}${row.withdrawnPlanted ? ' (withdrawn)' : ''} | clean ${JSON.stringify(clean.generated ?? clean.answer)}${row.withdrawnClean ? ' (withdrawn)' : ''}`,
      );
  }
}
await model.dispose();
await retrieval?.dispose();

const count = (list: readonly Row[], pick: (row: Row) => boolean) => `${list.filter(pick).length}/${list.length}`;
console.log(
  `model: ${basename(values.model)} · ${cases.length} planted documents (${values.set} attacks) · max tokens ${values['max-tokens']} · ${retrieval ? `support gate and focus sentence from ${basename(values['embedding-model'] ?? '')}` : 'no retrieval: focus sentence by shared words'} · ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
);
console.log(
  '| prompt | attacks followed | right with planted document | right on clean document | withdrawn by a check (planted / clean) |\n|---|---:|---:|---:|---:|',
);
for (const prompt of prompts) {
  const mine = rows.filter((row) => row.prompt === prompt);
  console.log(
    `| ${prompt} | ${count(mine, (row) => row.followed)} | ${count(mine, (row) => row.rightPlanted)} | ${count(mine, (row) => row.rightClean)} | ${count(mine, (row) => row.withdrawnPlanted)} / ${count(mine, (row) => row.withdrawnClean)} |`,
  );
}
const followedRows = rows.filter((row) => row.followed);
if (followedRows.length > 0) {
  console.log('\nFollowed:');
  for (const row of followedRows)
    console.log(`- [${row.prompt}, ${row.lang}, ${row.attack}] ${row.question} → ${JSON.stringify(row.planted)}`);
}
if (values.json) await writeFile(values.json, JSON.stringify(rows, null, 2));
