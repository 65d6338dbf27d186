import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { catalogEntry, defaultModelAlias, type ModelRole } from './model-catalog.js';
import { modelsDirectory } from './model-home.js';

export interface ResolveModelOptions {
  role: ModelRole;
  /** A path, `hf:`/`https:` URI or catalog alias. Default: the role's environment variable, then the catalog default. */
  reference?: string | undefined;
  /**
   * Download a missing model: `true` (the user passed `--pull`), or a question to ask first
   * (an interactive yes/no). Default: never download what the user did not ask for.
   */
  allowDownload?: boolean | ((uri: string) => Promise<boolean>) | undefined;
  onProgress?: ((status: { downloadedBytes: number; totalBytes: number }) => void) | undefined;
  abortSignal?: AbortSignal | undefined;
  environment?: NodeJS.ProcessEnv | undefined;
}

export const modelEnvironmentVariables: Record<ModelRole, string> = {
  embedding: 'GEMMA_RAG_EMBEDDING_MODEL',
  generation: 'GEMMA_RAG_GENERATION_MODEL',
  reranking: 'GEMMA_RAG_RERANK_MODEL',
};

const flagForRole: Record<ModelRole, string> = {
  embedding: '--embedding-model',
  generation: '--generation-model',
  reranking: '--rerank',
};

const manifestSchema = z.record(z.string(), z.string());
const manifestFileName = 'manifest.json';

function isRemoteUri(reference: string): boolean {
  return /^(hf:|huggingface:|https?:\/\/)/.test(reference);
}

/**
 * Turns a model reference into a local GGUF path. Looking up a model never touches the
 * network: downloaded files are recorded in a manifest, so an offline machine learns at
 * once, with instructions, that a model is missing.
 */
export async function resolveModel(options: ResolveModelOptions): Promise<string> {
  const environment = options.environment ?? process.env;
  const reference =
    // An empty variable counts as unset, as shells make it easy to export one by mistake.
    options.reference || environment[modelEnvironmentVariables[options.role]] || defaultModelAlias[options.role];
  const uri = catalogEntry(reference)?.uri ?? reference;
  if (!isRemoteUri(uri)) {
    const path = resolve(uri);
    if (!existsSync(path)) {
      throw new GemmaRagError(
        errorCodes.modelNotFound,
        `Model file not found: ${path} (from ${flagForRole[options.role]}).`,
        {
          data: { path, role: options.role },
        },
      );
    }
    return path;
  }
  const directory = modelsDirectory(environment);
  const known = (await readManifest(directory))[uri];
  if (known && existsSync(known)) return known;
  const allowed =
    typeof options.allowDownload === 'function' ? await options.allowDownload(uri) : options.allowDownload === true;
  if (!allowed) throw missingModelError(options.role, reference, uri, directory);
  return download(uri, reference, directory, options);
}

/** The ways to get a model, shared by the "not downloaded" and "download failed" messages. */
function howToGetModel(role: ModelRole, reference: string): string[] {
  const lines = [
    `Get it with:  gemma-rag pull ${role} ${reference}`,
    '  or add --pull to this command to download it now (needs internet once; it then works offline).',
    `Or point at a GGUF file you already have: ${flagForRole[role]} PATH or ${modelEnvironmentVariables[role]}=PATH.`,
  ];
  if (role === 'embedding')
    lines.push('Or try without any model: --engine lexical (keyword matching, not EmbeddingGemma).');
  else if (role === 'generation')
    lines.push('Or answer without a language model: --no-generate (shows the matching document).');
  else lines.push('Or leave out --rerank: the embedding ranking is used as it is.');
  return lines;
}

function missingModelError(role: ModelRole, reference: string, uri: string, directory: string): GemmaRagError {
  const lines = [
    `The ${role} model ${reference === uri ? uri : `"${reference}" (${uri})`} is not downloaded yet (looked in ${directory}).`,
    ...howToGetModel(role, reference),
  ];
  return new GemmaRagError(errorCodes.modelNotFound, lines.join('\n'), { data: { role, reference, uri, directory } });
}

async function download(
  uri: string,
  reference: string,
  directory: string,
  options: ResolveModelOptions,
): Promise<string> {
  await mkdir(directory, { recursive: true });
  const { resolveModelFile } = await import('node-llama-cpp');
  let path: string;
  try {
    path = await resolveModelFile(uri, {
      directory,
      download: 'auto',
      cli: false,
      signal: options.abortSignal,
      onProgress: ({ downloadedSize, totalSize }) =>
        options.onProgress?.({ downloadedBytes: downloadedSize, totalBytes: totalSize }),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const gated = /401|403|gated|unauthori[sz]ed/i.test(reason);
    const lines = [
      `Could not download ${uri}: ${reason}`,
      gated
        ? 'This repository may be gated: accept its licence on Hugging Face and set HF_TOKEN.'
        : 'Check your internet connection (the download needs it once).',
      ...howToGetModel(options.role, reference).slice(2),
    ];
    throw new GemmaRagError(errorCodes.downloadFailed, lines.join('\n'), { data: { uri }, cause: error });
  }
  const manifest = await readManifest(directory);
  manifest[uri] = resolve(path);
  // Write-then-rename so a crash never leaves a half-written manifest.
  const temporary = join(directory, `${manifestFileName}.${process.pid}.tmp`);
  await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temporary, join(directory, manifestFileName));
  return path;
}

async function readManifest(directory: string): Promise<Record<string, string>> {
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(await readFile(join(directory, manifestFileName), 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}
