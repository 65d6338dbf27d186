/**
 * Time to first token as a user meets it, on real weights, over the bundled example knowledge base:
 * - `ask`: a new process per question (node start, both models loaded, retrieval, prompt), time
 *   from spawn to the first byte of the answer on stdout;
 * - `serve`: one server, the same questions in turn over HTTP (SSE), time from the request to the
 *   first `token` event, and to the `retrieval` event (the retrieval share);
 * - `serve`, again: each question asked a second time right after the first;
 * - `serve`, same document: a second, different question whose answer comes from the document the
 *   first one used (a follow-up, asked standalone).
 * `--cli` runs another checkout's CLI, so a before/after pair is two runs of this script:
 *
 *   node --import tsx bench/ttft.ts --embedding-model $GEMMA_RAG_REAL_EMBEDDING_Q8 \
 *     --generation-model $GEMMA_RAG_REAL_INSTRUCT_QWEN [--cli /other/checkout/src/cli/entry.ts] [--json out.json] \
 *     [--support-threshold off]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'embedding-model': { type: 'string' },
    'generation-model': { type: 'string' },
    cli: { type: 'string', default: 'src/cli/entry.ts' },
    threads: { type: 'string', default: '2' },
    'max-tokens': { type: 'string', default: '48' },
    json: { type: 'string' },
    'skip-ask': { type: 'boolean', default: false },
    /** Passed to `ask` and `serve` (`off`: without the support gate, to see what it costs). */
    'support-threshold': { type: 'string' },
  },
});
const embeddingModel = values['embedding-model'];
const generationModel = values['generation-model'];
if (!embeddingModel || !generationModel) throw new Error('--embedding-model and --generation-model are required');
const cli = resolve(values.cli ?? 'src/cli/entry.ts');

/** Pairs of questions answered from one document of the example knowledge base (zh, en, ja). */
const pairs = [
  ['年假有几天？', '年假最多可以累积到多少天？'],
  ['How many days of paid annual leave do I get in my first year?', 'What is the most annual leave I can reach?'],
  ['入社1年目の有給休暇は何日ですか？', '有給休暇の上限は何日ですか？'],
  ['忘记密码了怎么办？', '重置密码的网址是什么？'],
  ['By when must expenses be submitted?', 'What happens if I submit expenses late?'],
  ['12名以上の会議はどの会議室を予約しますか？', '会議室はどこから予約できますか？'],
] as const;

const modelFlags = [
  '--embedding-model',
  embeddingModel,
  '--generation-model',
  generationModel,
  '--threads',
  values.threads ?? '2',
  ...(values['support-threshold'] ? ['--support-threshold', values['support-threshold']] : []),
];

function start(args: readonly string[], home: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { ...process.env, GEMMA_RAG_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** `ask` in a new process: milliseconds to the first byte of the answer, and in all. */
async function askOnce(question: string, home: string): Promise<{ firstMs: number; totalMs: number }> {
  const started = performance.now();
  const child = start(['ask', question, '--max-tokens', values['max-tokens'] ?? '48', ...modelFlags], home);
  let firstMs = Number.NaN;
  child.stdout?.once('data', () => {
    firstMs = performance.now() - started;
  });
  let errors = '';
  child.stderr?.on('data', (chunk) => {
    errors += chunk;
  });
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0) throw new Error(`ask exited ${code}: ${errors.slice(-500)}`);
  return { firstMs, totalMs: performance.now() - started };
}

async function startServer(home: string): Promise<{ url: string; child: ChildProcess }> {
  const child = start(['serve', '--port', '0', ...modelFlags], home);
  const url = await new Promise<string>((found, failed) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /at (http:\/\/[^\s]+)/.exec(out);
      if (match?.[1]) found(match[1]);
    });
    child.on('close', (code) => failed(new Error(`serve exited ${code}`)));
  });
  return { url, child };
}

interface Timed {
  retrievalMs: number;
  firstMs: number;
  totalMs: number;
  answer: string;
  document: string | null;
}

/** One question over SSE: times to the `retrieval` and first `token` events, and the answer. */
async function askServer(url: string, question: string): Promise<Timed> {
  const started = performance.now();
  const response = await fetch(`${url}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ question, stream: true, maxTokens: Number(values['max-tokens'] ?? '48') }),
  });
  if (!response.ok || !response.body) throw new Error(`ask: HTTP ${response.status} ${await response.text()}`);
  let retrievalMs = Number.NaN;
  let firstMs = Number.NaN;
  let buffer = '';
  let answer = '';
  let document: string | null = null;
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    buffer += decoder.decode(read.value, { stream: true });
    let cut = buffer.indexOf('\n\n');
    while (cut >= 0) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const name = /^event: (.+)$/m.exec(event)?.[1];
      const data = /^data: (.*)$/m.exec(event)?.[1] ?? 'null';
      if (name === 'retrieval' && Number.isNaN(retrievalMs)) retrievalMs = performance.now() - started;
      if (name === 'token' && Number.isNaN(firstMs)) firstMs = performance.now() - started;
      if (name === 'result') {
        const result = JSON.parse(data) as { answer: string; document?: { title?: string } | null };
        answer = result.answer;
        document = result.document?.title ?? null;
      }
      cut = buffer.indexOf('\n\n');
    }
  }
  return { retrievalMs, firstMs, totalMs: performance.now() - started, answer, document };
}

const median = (list: readonly number[]) => {
  const sorted = [...list].filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN);
};
const seconds = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–');

const home = await mkdtemp(join(tmpdir(), 'gemma-rag-ttft-'));
const rows: Array<{ way: string; question: string } & Partial<Timed>> = [];
try {
  if (!values['skip-ask']) {
    // The first run embeds the example knowledge base into the cache; not counted.
    await askOnce(pairs[0][0], home);
    for (const [question] of pairs)
      rows.push({ way: 'ask (new process)', question, ...(await askOnce(question, home)) });
  }
  const { url, child } = await startServer(home);
  try {
    await askServer(url, 'warm-up: 你好'); // loads the answering model
    for (const [question, sameDocument] of pairs) {
      rows.push({ way: 'serve', question, ...(await askServer(url, question)) });
      rows.push({ way: 'serve, asked again', question, ...(await askServer(url, question)) });
      rows.push({ way: 'serve, same document', question: sameDocument, ...(await askServer(url, sameDocument)) });
    }
  } finally {
    child.kill('SIGINT');
    await new Promise((done) => child.on('close', done));
  }
} finally {
  await rm(home, { recursive: true, force: true });
}

console.log(
  `answers by ${basename(generationModel)}, retrieval ${basename(embeddingModel)}, ${values.threads} threads, CLI ${cli}\n`,
);
console.log('| way | questions | TTFT median | retrieval median | retrieval share | whole answer median |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const way of [...new Set(rows.map((row) => row.way))]) {
  const mine = rows.filter((row) => row.way === way);
  const first = median(mine.map((row) => row.firstMs ?? Number.NaN));
  const retrieval = median(mine.map((row) => row.retrievalMs ?? Number.NaN));
  const share = median(mine.map((row) => (row.retrievalMs ?? Number.NaN) / (row.firstMs ?? Number.NaN)));
  console.log(
    `| ${way} | ${mine.length} | ${seconds(first)} s | ${seconds(retrieval)} s | ${Number.isFinite(share) ? `${(100 * share).toFixed(0)}%` : '–'} | ${seconds(median(mine.map((row) => row.totalMs ?? Number.NaN)))} s |`,
  );
}
if (values.json) await writeFile(values.json, JSON.stringify(rows, null, 2));
