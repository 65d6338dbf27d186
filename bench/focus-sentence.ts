/**
 * How often the focus sentence holds a gold answer, with no model involved: for answerable XQuAD
 * questions that retrieval answers (default route, support gate on), the sentence chosen by shared
 * words (focus-sentence.ts), the one closest by embedding (the support gate's), the two closest,
 * and the whole context.
 *
 *   node --import tsx bench/focus-sentence.ts --model $GEMMA_RAG_REAL_EMBEDDING_Q8 --xquad ../shared/data/xquad \
 *     --sets en,zh,zh-en --questions 400 [--cache ~/.cache/gemma-rag/eval]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { focusSentence } from '../src/answer/focus-sentence.js';
import { createRag } from '../src/app/rag.js';
import { CachingEmbeddingModel } from '../src/embedding/caching-embedding-model.js';
import { documentPrompt } from '../src/embedding/prompts.js';
import { cosineSimilarity } from '../src/embedding/vector-math.js';
import { containsGold } from '../src/eval/answer-metrics.js';
import { loadAnswerSet } from '../src/eval/answer-sets.js';
import { loadEmbeddingCache, saveEmbeddingCache } from '../src/eval/embedding-cache-file.js';
import { quotedForModel } from '../src/text/quoted-text.js';
import { sentencesOf } from '../src/text/sentences.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    xquad: { type: 'string', default: '../shared/data/xquad' },
    sets: { type: 'string', default: 'en,zh,zh-en' },
    questions: { type: 'string', default: '400' },
    seed: { type: 'string', default: '1' },
    threads: { type: 'string', default: '2' },
    cache: { type: 'string' },
  },
});
if (!args.model) throw new Error('--model <EmbeddingGemma GGUF> is required');

const percent = (part: number, whole: number) => `${((100 * part) / Math.max(whole, 1)).toFixed(0)}%`;
const rows: Record<string, string[]> = { words: [], embedding: [], 'two closest': [], context: [] };
const names = args.sets.split(',');
for (const name of names) {
  const [lang = 'en', kbLang = lang] = name.split('-');
  const rag = await createRag({ embeddingModel: args.model, threads: Number(args.threads) }, { cacheEmbeddings: true });
  const model = rag.embedder.model;
  const cacheFile = args.cache ? join(args.cache, `xquad-vectors-${kbLang}.jsonl`) : undefined;
  if (cacheFile && model instanceof CachingEmbeddingModel) await loadEmbeddingCache(model, cacheFile);
  const set = await loadAnswerSet({
    kind: 'xquad',
    directory: args.xquad,
    lang,
    kbLang,
    answerable: Number(args.questions),
    unanswerable: 0,
    heldOut: 0.2,
    seed: Number(args.seed),
  });
  const index = await rag.index(set.knowledgeBase, { origin: set.name });
  const found = { words: 0, embedding: 0, 'two closest': 0, context: 0 };
  let answered = 0;
  for (const question of set.questions) {
    const retrieval = await rag.retrieve(index, question.question);
    if (!retrieval.document) continue;
    answered++;
    const text = retrieval.context.map((chunk) => quotedForModel(chunk.text).trim()).join('\n\n');
    const query = await rag.embedder.embedQuery(question.question, { promptName: 'Retrieval-query' });
    const sentences = sentencesOf(text);
    const vectors = await rag.embedder.embedMany(sentences, { prompt: documentPrompt(undefined) });
    const closest = sentences
      .map((sentence, at) => ({ sentence, score: cosineSimilarity(query, vectors[at] as Float32Array) }))
      .sort((left, right) => right.score - left.score);
    const holds = (candidate: string) => containsGold(candidate, question.answers);
    found.words += Number(holds(focusSentence(question.question, text) ?? ''));
    found.embedding += Number(holds(retrieval.support?.sentence ?? ''));
    found['two closest'] += Number(
      holds(
        closest
          .slice(0, 2)
          .map(({ sentence }) => sentence)
          .join(' '),
      ),
    );
    found.context += Number(holds(text));
  }
  await index.close();
  if (cacheFile && model instanceof CachingEmbeddingModel) await saveEmbeddingCache(model, cacheFile);
  await rag.dispose();
  for (const [key, count] of Object.entries(found)) rows[key]?.push(`${percent(count, answered)} of ${answered}`);
}
console.log(`Focus sentence holds a gold answer (answerable questions retrieval answered, seed ${args.seed})`);
console.log(`| focus sentence | ${names.join(' | ')} |\n|---|${names.map(() => '---:').join('|')}|`);
for (const [key, cells] of Object.entries(rows)) console.log(`| ${key} | ${cells.join(' | ')} |`);
