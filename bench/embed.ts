/**
 * Embedding throughput in one run, on ingest-like texts (XQuAD paragraphs with the document
 * prompt): ours on Q8_0 and F32, raw node-llama-cpp one text per call, and the seed's stack
 * (sentence-transformers fp32, batch 1 and 32) on the same threads. Rows alternate over
 * several rounds so a noisy shared machine penalizes them alike; compare ratios, not absolutes.
 *
 *   node --import tsx bench/embed.ts --q8 Q8_0.gguf --f32 F32.gguf --st-model DIR --python venv/bin/python \
 *     --xquad ../shared/data/xquad [--texts 96] [--threads 2] [--rounds 2]
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createRag } from '../src/app/rag.js';
import { resolvePromptPrefix } from '../src/embedding/prompts.js';

const { values: args } = parseArgs({
  options: {
    q8: { type: 'string' },
    f32: { type: 'string' },
    'st-model': { type: 'string' },
    python: { type: 'string' },
    xquad: { type: 'string', default: '../shared/data/xquad' },
    texts: { type: 'string', default: '96' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
    only: { type: 'string' },
  },
});

interface Row {
  name: string;
  run: (texts: string[]) => Promise<{ seconds: number; tokens: number }>;
}

async function paragraphs(count: number): Promise<Array<{ title: string; text: string }>> {
  const data = JSON.parse(await readFile(join(args.xquad as string, 'xquad.en.json'), 'utf8')) as {
    data: Array<{ title: string; paragraphs: Array<{ context: string }> }>;
  };
  return data.data
    .flatMap((article) => article.paragraphs.map((paragraph) => ({ title: article.title, text: paragraph.context })))
    .slice(0, count);
}

function ours(name: string, file: string, threads: number): Row {
  return {
    name,
    async run(texts) {
      const rag = await createRag({ engine: 'llama-cpp', embeddingModel: file, threads });
      try {
        const started = performance.now();
        await rag.embedder.embedMany(texts, { prompt: { kind: 'none' } });
        const seconds = (performance.now() - started) / 1000;
        const tokens = (await rag.embedder.countTokens(texts)).reduce((sum, count) => sum + count, 0);
        return { seconds, tokens };
      } finally {
        await rag.dispose();
      }
    },
  };
}

function oursWith(
  name: string,
  file: string,
  threads: number,
  settings: { flashAttention?: boolean; contexts?: number },
): Row {
  return {
    name,
    async run(texts) {
      const { LlamaCppEmbeddingModel } = await import('../src/engines/llama-cpp/llama-cpp-embedding-model.js');
      const model = await LlamaCppEmbeddingModel.load({
        modelPath: file,
        threads,
        ...settings,
        maxInputTokens: 2048,
      });
      try {
        const started = performance.now();
        for (let start = 0; start < texts.length; start += 16) {
          await model.embed({ values: texts.slice(start, start + 16) });
        }
        const seconds = (performance.now() - started) / 1000;
        const tokens = (await model.countTokens({ values: texts })).reduce((sum, count) => sum + count, 0);
        return { seconds, tokens };
      } finally {
        await model.dispose();
      }
    },
  };
}

function raw(name: string, file: string, threads: number): Row {
  return {
    name,
    async run(texts) {
      const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
      const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
      const model = await llama.loadModel({ modelPath: file });
      const context = await model.createEmbeddingContext({ contextSize: 2048, batchSize: 2048, threads });
      try {
        let tokens = 0;
        const started = performance.now();
        for (const text of texts) await context.getEmbeddingFor(text);
        const seconds = (performance.now() - started) / 1000;
        for (const text of texts) tokens += model.tokenize(text, true).length + 2;
        return { seconds, tokens };
      } finally {
        await context.dispose();
        await model.dispose();
      }
    },
  };
}

function sentenceTransformers(name: string, batchSize: number, threads: number): Row {
  return {
    name,
    run: (texts) =>
      new Promise((resolve, reject) => {
        const script = join(import.meta.dirname, '..', 'scripts', 'real', 'st_throughput.py');
        const child = spawn(args.python as string, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
        });
        child.on('close', (code) =>
          code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`st_throughput.py exited with ${code}`)),
        );
        child.stdin.end(JSON.stringify({ model_dir: args['st-model'], texts, batch_size: batchSize, threads }));
      }),
  };
}

/**
 * Multiply-adds of EmbeddingGemma per token (×2 = FLOPs): 24 layers of q/o 768×768, k/v 768×256
 * and a gated FFN 3×768×1152 (the 201M-parameter token table is a lookup, no arithmetic), plus
 * attention over the sequence (3 heads × 256 for scores and for values).
 */
function flopsPerToken(averageTokens: number): number {
  const perLayer = 768 * 768 * 2 + 768 * 256 * 2 + 3 * 768 * 1152;
  const attention = 2 * averageTokens * 768;
  return 2 * 24 * (perLayer + attention);
}

/** The machine's practical fp32 peak: a large sgemm in torch on the same threads. */
function measuredPeak(threads: number): Promise<number | undefined> {
  if (!args.python) return Promise.resolve(undefined);
  const code = `import torch,time;torch.set_num_threads(${threads});a=torch.randn(2048,2048);b=torch.randn(2048,2048);a@b;t=time.perf_counter();n=10
for _ in range(n): a@b
print(2*2048**3*n/(time.perf_counter()-t)/1e9)`;
  return new Promise((resolve) => {
    const child = spawn(args.python as string, ['-c', code], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('close', () => resolve(Number.parseFloat(out) || undefined));
  });
}

async function main() {
  const threads = Number(args.threads);
  const list = await paragraphs(Number(args.texts));
  // The document prompt with the article title, as ingest embeds them.
  const { embeddingGemma } = await import('../src/embedding/model-profiles.js');
  const texts = list.map(({ title, text }) => resolvePromptPrefix(embeddingGemma, { kind: 'document', title }) + text);
  const rows: Row[] = [];
  if (args.q8) {
    rows.push(ours(`gemma-rag Q8_0, ${threads} threads`, args.q8, threads));
    rows.push(ours('gemma-rag Q8_0, 1 thread', args.q8, 1));
    rows.push(
      oursWith(`gemma-rag Q8_0, ${threads} threads, flash attention on`, args.q8, threads, { flashAttention: true }),
    );
    rows.push(
      oursWith(`gemma-rag Q8_0, ${threads} threads, flash attention off`, args.q8, threads, { flashAttention: false }),
    );
    rows.push(oursWith(`gemma-rag Q8_0, ${threads} threads, one context (before)`, args.q8, threads, { contexts: 1 }));
    rows.push(raw(`raw node-llama-cpp Q8_0, one text per call, ${threads} threads`, args.q8, threads));
  }
  if (args.f32) rows.push(ours(`gemma-rag F32, ${threads} threads`, args.f32, threads));
  if (args['st-model'] && args.python) {
    rows.push(sentenceTransformers(`sentence-transformers fp32, batch 1, ${threads} threads`, 1, threads));
    rows.push(sentenceTransformers(`sentence-transformers fp32, batch 32, ${threads} threads`, 32, threads));
  }
  // --only: comma-separated parts of row names.
  const wanted = args.only?.split(',') ?? [];
  const selected = args.only ? rows.filter((row) => wanted.some((part) => row.name.includes(part))) : rows;
  const results = new Map<string, Array<{ seconds: number; tokens: number }>>();
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const row of selected) {
      const result = await row.run(texts);
      results.set(row.name, [...(results.get(row.name) ?? []), result]);
      process.stderr.write(`round ${round + 1}: ${row.name}: ${(result.tokens / result.seconds).toFixed(0)} tok/s\n`);
    }
  }
  const best = (name: string) => Math.max(...(results.get(name) ?? []).map((r) => r.tokens / r.seconds));
  const reference = best(selected[0]?.name ?? '');
  const peak = await measuredPeak(threads);
  const tokensPerText = (results.get(selected[0]?.name ?? '')?.[0]?.tokens ?? 0) / list.length;
  const flops = flopsPerToken(tokensPerText);
  console.log(
    `\n${list.length} XQuAD paragraphs with the document prompt (${tokensPerText.toFixed(0)} tokens each on average); best of ${args.rounds} rounds`,
  );
  console.log(
    `${(flops / 1e6).toFixed(0)} MFLOP per token; machine fp32 peak (torch sgemm, ${threads} threads): ${peak?.toFixed(0) ?? '?'} GFLOP/s\n`,
  );
  console.log('| engine | tokens | best tok/s | median tok/s | vs first row | GFLOP/s | of peak |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of selected) {
    const runs = results.get(row.name) ?? [];
    const rates = runs.map((r) => r.tokens / r.seconds).sort((a, b) => a - b);
    const median = rates[Math.floor(rates.length / 2)] ?? 0;
    const gflops = (best(row.name) * flops) / 1e9;
    console.log(
      `| ${row.name} | ${runs[0]?.tokens ?? 0} | ${best(row.name).toFixed(0)} | ${median.toFixed(0)} | ${(best(row.name) / reference).toFixed(2)}× | ${gflops.toFixed(0)} | ${peak ? `${((100 * gflops) / peak).toFixed(0)}%` : '?'} |`,
    );
  }
}

await main();
