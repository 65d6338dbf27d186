import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { catalogEntry, defaultModelAlias, type ModelRole } from './model-catalog.js';
import {
  classifyDownloadFailure,
  describeError,
  howToGetModels,
  modelEnvironmentVariables,
  modelFlags,
} from './model-help.js';
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
  /** How a file is fetched (node-llama-cpp's resolveModelFile by default); tests bring one that fails. */
  downloadFile?: DownloadFile | undefined;
}

/** Downloads `uri` into `directory` and returns the file's path. */
export type DownloadFile = (
  uri: string,
  options: {
    directory: string;
    signal?: AbortSignal | undefined;
    /** A Hugging Face mirror ($HF_ENDPOINT), else huggingface.co. */
    huggingFaceEndpoint?: string | undefined;
    onProgress: (status: { downloadedBytes: number; totalBytes: number }) => void;
  },
) => Promise<string>;

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
        `Model file not found: ${path} (from ${modelFlags[options.role]}).`,
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

function missingModelError(role: ModelRole, reference: string, uri: string, directory: string): GemmaRagError {
  const lines = [
    `The ${role} model ${reference === uri ? uri : `"${reference}" (${uri})`} is not downloaded yet (looked in ${directory}).`,
    ...howToGetModels(role, reference),
  ];
  return new GemmaRagError(errorCodes.modelNotFound, lines.join('\n'), { data: { role, reference, uri, directory } });
}

const downloadWithNodeLlamaCpp: DownloadFile = async (uri, options) => {
  const { resolveModelFile } = await import('node-llama-cpp');
  return resolveModelFile(uri, {
    directory: options.directory,
    download: 'auto',
    cli: false,
    signal: options.signal,
    ...(options.huggingFaceEndpoint ? { endpoints: { huggingFace: options.huggingFaceEndpoint } } : {}),
    onProgress: ({ downloadedSize, totalSize }) =>
      options.onProgress({ downloadedBytes: downloadedSize, totalBytes: totalSize }),
  });
};

async function download(
  uri: string,
  reference: string,
  directory: string,
  options: ResolveModelOptions,
): Promise<string> {
  await mkdir(directory, { recursive: true });
  const environment = options.environment ?? process.env;
  let path: string;
  try {
    path = await (options.downloadFile ?? downloadWithNodeLlamaCpp)(uri, {
      directory,
      signal: options.abortSignal,
      huggingFaceEndpoint: environment.HF_ENDPOINT || undefined,
      onProgress: (status) => options.onProgress?.(status),
    });
  } catch (error) {
    // People get a sentence they can act on; scripts get the raw reason in `data` (--json).
    const failure = classifyDownloadFailure(error);
    const lines = [
      `Could not download the ${options.role} model ${uri}. ${failure.sentence}`,
      ...howToGetModels(options.role, reference),
    ];
    throw new GemmaRagError(errorCodes.downloadFailed, lines.join('\n'), {
      data: { role: options.role, reference, uri, failure: failure.kind, reason: describeError(error) },
      cause: error,
    });
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
