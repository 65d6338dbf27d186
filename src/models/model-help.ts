import { type CatalogEntry, catalogEntry, defaultModelAlias, type ModelRole } from './model-catalog.js';

/** The environment variable that names each role's model (a GGUF path, hf: URI or alias). */
export const modelEnvironmentVariables: Record<ModelRole, string> = {
  embedding: 'GEMMA_RAG_EMBEDDING_MODEL',
  generation: 'GEMMA_RAG_GENERATION_MODEL',
  reranking: 'GEMMA_RAG_RERANK_MODEL',
};

export const modelFlags: Record<ModelRole, string> = {
  embedding: '--embedding-model',
  generation: '--generation-model',
  reranking: '--rerank',
};

const roleNames: Record<ModelRole, string> = {
  embedding: 'embedding (search)',
  generation: 'answering',
  reranking: 'reranker',
};

/** One model as a person needs it to fetch it by hand: what it is, its size, its hf: name and a plain HTTPS URL. */
function describeModel(role: ModelRole, reference: string): string[] {
  const entry: CatalogEntry | undefined = catalogEntry(reference);
  if (!entry) return [`  ${roleNames[role]}: ${reference}`];
  const size = entry.size ? `, ${entry.size}` : '';
  return [`  ${roleNames[role]}: ${entry.name}${size}`, `      ${entry.uri}`, `      ${entry.url}`];
}

/**
 * What a person needs when a model is missing or cannot be downloaded: which models gemma-rag
 * uses (both, for the embedding and answering roles: the second is needed a moment later),
 * their sizes and where to get them — by `pull`, by hand over HTTPS, or not at all.
 * `reference` is the model that was asked for (alias, hf: URI or URL).
 */
export function howToGetModels(role: ModelRole, reference: string): string[] {
  if (role === 'reranking') {
    return [
      `Download it once: gemma-rag pull reranking ${reference} (or add --pull to this command).`,
      ...describeModel(role, reference),
      `Or point at a GGUF file you already have: --rerank PATH or ${modelEnvironmentVariables.reranking}=PATH.`,
      'Or leave out --rerank: the embedding ranking is used as it is.',
    ];
  }
  const models = (['embedding', 'generation'] as const).map((current) =>
    current === role ? reference : defaultModelAlias[current],
  );
  const [embedding = '', generation = ''] = models;
  return [
    'gemma-rag uses two models, both run on this machine:',
    ...describeModel('embedding', embedding),
    ...describeModel('generation', generation),
    `Download both once: gemma-rag pull (or add --pull to this command; it then works offline).`,
    'Fetched the files by hand? Point at them:',
    `  ${modelFlags.embedding} FILE.gguf   or  ${modelEnvironmentVariables.embedding}=FILE.gguf`,
    `  ${modelFlags.generation} FILE.gguf  or  ${modelEnvironmentVariables.generation}=FILE.gguf`,
    'No answering model? --no-generate shows the matching document instead of writing an answer.',
    'No model at all? --engine lexical --no-generate (keyword matching only; not EmbeddingGemma).',
  ];
}

export type DownloadFailure = 'offline' | 'gated' | 'not-found' | 'other';

/** Why a download failed, in words a person can act on; the raw error stays in the error's data. */
export function classifyDownloadFailure(error: unknown): { kind: DownloadFailure; sentence: string } {
  const text = describeError(error);
  if (/401|403|gated|unauthori[sz]ed|forbidden/i.test(text)) {
    return {
      kind: 'gated',
      sentence: 'Hugging Face refused the download: the repository may be gated (accept its licence and set HF_TOKEN).',
    };
  }
  if (/\b404\b|not found|no such (file|repo)/i.test(text) && !/ENOTFOUND/.test(text)) {
    return { kind: 'not-found', sentence: 'Hugging Face has no such file: check the model name.' };
  }
  if (/fetch failed|ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|network|socket/i.test(text)) {
    return {
      kind: 'offline',
      sentence: 'Hugging Face could not be reached (no internet connection, a proxy or a firewall).',
    };
  }
  return { kind: 'other', sentence: 'The download did not complete.' };
}

/** An error's message with its causes (undici's "fetch failed" hides the reason in `cause`). */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(': ');
}
