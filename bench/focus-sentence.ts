/**
 * How often the focus sentence holds a gold answer, with no model involved: for answerable XQuAD
 * questions that retrieval answers (default route, support gate on), the sentence chosen by shared
 * words (focus-sentence.ts), the one closest by embedding (the support gate's), the two closest,
 * and the whole context.
 *
 *   node --import tsx bench/focus-sentence.ts --model $GEMMA_RAG_REAL_EMBEDDING_Q8 --xquad ../shared/data/xquad \
 *     --sets en,zh,zh-en --questions 400 [--cache ~/.cache/gemma-rag/eval]
 */
import { parseArgs } from 'node:util';
import { focusSentence } from '../src/answer/focus-sentence.js';
import { documentPrompt } from '../src/embedding/prompts.js';
import { cosineSimilarity } from '../src/embedding/vector-math.js';
import { containsGold } from '../src/eval/answer-metrics.js';
import { quotedForModel } from '../src/text/quoted-text.js';
import { sentencesOf } from '../src/text/sentences.js';
import { withXquadSet } from './xquad-set.js';

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
  const options = {
    model: args.model,
    xquad: args.xquad,
    seed: Number(args.seed),
    threads: Number(args.threads),
    cache: args.cache,
    answerable: Number(args.questions),
    unanswerable: 0,
  };
  await withXquadSet(name, options, async (rag, index, set) => {
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
      const twoClosest = closest
        .slice(0, 2)
        .map(({ sentence }) => sentence)
        .join(' ');
      const holds = (candidate: string) => containsGold(candidate, question.answers);
      found.words += Number(holds(focusSentence(question.question, text) ?? ''));
      found.embedding += Number(holds(retrieval.support?.sentence ?? ''));
      found['two closest'] += Number(holds(twoClosest));
      found.context += Number(holds(text));
    }
    for (const [key, count] of Object.entries(found)) rows[key]?.push(`${percent(count, answered)} of ${answered}`);
  });
}
console.log(`Focus sentence holds a gold answer (answerable questions retrieval answered, seed ${args.seed})`);
console.log(`| focus sentence | ${names.join(' | ')} |\n|---|${names.map(() => '---:').join('|')}|`);
for (const [key, cells] of Object.entries(rows)) console.log(`| ${key} | ${cells.join(' | ')} |`);
