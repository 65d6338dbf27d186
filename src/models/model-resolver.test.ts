import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../test/fixtures/run-cli.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { catalogEntry } from './model-catalog.js';
import { type DownloadFile, resolveModel } from './model-resolver.js';

let home: string;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'gemma-rag-resolver-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

/** What Node's fetch throws without a network: a TypeError whose reason is only in `cause`. */
const offlineFetch: DownloadFile = async () => {
  throw new TypeError('fetch failed', {
    cause: Object.assign(new Error('getaddrinfo ENOTFOUND huggingface.co'), { code: 'ENOTFOUND' }),
  });
};

async function failure(options: Partial<Parameters<typeof resolveModel>[0]> = {}): Promise<GemmaRagError> {
  try {
    await resolveModel({
      role: 'embedding',
      allowDownload: true,
      environment: { GEMMA_RAG_HOME: home },
      downloadFile: offlineFetch,
      ...options,
    });
  } catch (error) {
    assert.ok(GemmaRagError.isInstance(error), String(error));
    return error;
  }
  assert.fail('resolveModel should have failed');
}

test('a failed download names both models with sizes, hf: names and HTTPS URLs, and every way around it', async () => {
  const error = await failure();
  assert.equal(error.code, errorCodes.downloadFailed);
  const embedding = catalogEntry('embeddinggemma');
  const answering = catalogEntry('gemma3-4b');
  assert.ok(embedding && answering);
  for (const expected of [
    'Could not download the embedding model hf:ggml-org/embeddinggemma-300M-GGUF:Q8_0.',
    'Hugging Face could not be reached',
    '334 MB',
    '2.49 GB',
    embedding.uri,
    answering.uri,
    'https://huggingface.co/ggml-org/embeddinggemma-300M-GGUF/resolve/main/embeddinggemma-300M-Q8_0.gguf',
    'https://huggingface.co/ggml-org/gemma-3-4b-it-GGUF/resolve/main/gemma-3-4b-it-Q4_K_M.gguf',
    'GEMMA_RAG_EMBEDDING_MODEL=FILE.gguf',
    'GEMMA_RAG_GENERATION_MODEL=FILE.gguf',
    '--embedding-model FILE.gguf',
    '--generation-model FILE.gguf',
    '--no-generate',
    '--engine lexical',
    'gemma-rag pull',
  ]) {
    assert.ok(error.message.includes(expected), `message has "${expected}":\n${error.message}`);
  }
  assert.doesNotMatch(error.message, /fetch failed|TypeError|ENOTFOUND/, 'no raw exception text for people');
  assert.equal(error.data.failure, 'offline');
  assert.match(String(error.data.reason), /fetch failed: getaddrinfo ENOTFOUND huggingface\.co \(ENOTFOUND\)/);
});

test('a failed answering-model download leads with that model and offers --no-generate', async () => {
  const error = await failure({ role: 'generation' });
  assert.match(error.message, /^Could not download the generation model hf:ggml-org\/gemma-3-4b-it-GGUF:Q4_K_M\./);
  assert.match(error.message, /No answering model\? --no-generate/);
});

test('a refused download says the repository may be gated, not that the network is down', async () => {
  const error = await failure({
    downloadFile: async () => {
      throw new Error('Request failed with status 401 Unauthorized');
    },
  });
  assert.equal(error.data.failure, 'gated');
  assert.match(error.message, /gated .*HF_TOKEN/);
  assert.doesNotMatch(error.message, /could not be reached|401/);
});

test('ask --pull against an unreachable Hugging Face (a fetch that really fails): the guide, not a TypeError', async () => {
  // Port 9 (discard) on loopback refuses connections: node-llama-cpp's own fetch fails.
  const environment = {
    GEMMA_RAG_HOME: join(home, 'cli'),
    GEMMA_RAG_EMBEDDING_MODEL: '',
    HF_ENDPOINT: 'http://127.0.0.1:9/',
  };
  const run = await runCli(['ask', '如何重置密码？', '--pull'], environment);
  assert.equal(run.exitCode, 5, run.stderr);
  assert.match(run.stderr, /Could not download the embedding model/);
  assert.match(run.stderr, /gemma-3-4b-it-Q4_K_M\.gguf/);
  assert.doesNotMatch(run.stderr, /TypeError|fetch failed|\n\s+at /);

  const json = await runCli(['ask', '如何重置密码？', '--pull', '--json'], environment);
  assert.equal(json.exitCode, 5);
  const { error } = json.json() as { error: { code: string; data: { reason: string } } };
  assert.equal(error.code, 'DOWNLOAD_FAILED');
  assert.ok(error.data.reason.length > 0, 'the raw reason is kept for scripts');
});
