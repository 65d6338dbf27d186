import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { open, readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { classifyDownloadFailure, describeError } from '../../models/model-help.js';
import { modelsDirectory } from '../../models/model-home.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { checkModelFiles } from './model-files.js';

/**
 * ONNX weight variants gemma-rag accepts. fp16 and q4f16 are refused: EmbeddingGemma's
 * float16 activations overflow to NaN, and Gemma 3 shares the problem.
 */
export const transformersDtypes = ['fp32', 'q8', 'q4'] as const;
export type TransformersDtype = (typeof transformersDtypes)[number];

/** transformers.js's file name for each dtype, under `onnx/`. */
export const onnxFileSuffix: Readonly<Record<TransformersDtype, string>> = { fp32: '', q8: '_quantized', q4: '_q4' };

const float16Dtypes = new Set(['fp16', 'q4f16', 'q2f16', 'q1f16']);

export function parseTransformersDtype(value: string, what = 'dtype'): TransformersDtype {
  if ((transformersDtypes as readonly string[]).includes(value)) return value as TransformersDtype;
  if (float16Dtypes.has(value)) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `${what} "${value}" is refused: EmbeddingGemma and Gemma compute in float16 there, and their activations overflow to NaN (garbage vectors and answers). Use fp32 (exact), q8 or q4.`,
      { data: { dtype: value, allowed: transformersDtypes } },
    );
  }
  throw new GemmaRagError(
    errorCodes.invalidArgument,
    `Unknown ${what} "${value}"; use one of ${transformersDtypes.join(', ')}.`,
    { data: { dtype: value, allowed: transformersDtypes } },
  );
}

/** Where the transformers engine keeps downloaded repositories: `$GEMMA_RAG_HOME/models/transformers`. */
export function transformersCacheDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  return join(modelsDirectory(environment), 'transformers');
}

export interface ModelSourceOptions {
  /** A Hugging Face repository id (`owner/name`) or a local folder laid out like one. */
  model: string;
  dtype: TransformersDtype;
  /** Which ONNX file (without suffix) holds the weights. Default `model`. */
  fileStem?: string | undefined;
  role: 'embedding' | 'generation';
  /** Download cache for repository ids. Default `$GEMMA_RAG_HOME/models/transformers`. */
  cacheDir?: string | undefined;
  /** Never touch the network, even for a repository that is not downloaded yet. */
  localFilesOnly?: boolean | undefined;
  /** `true`: download what is missing; a function: ask first; absent/false: never download. */
  allowDownload?: boolean | ((repository: string) => Promise<boolean>) | undefined;
  environment?: NodeJS.ProcessEnv | undefined;
}

export interface ModelSource {
  /** What to pass to transformers.js `from_pretrained`: an absolute folder path or a repository id. */
  pathOrRepository: string;
  /** The folder the files are (or will be) in. */
  folder: string;
  cacheDir: string | undefined;
  localFilesOnly: boolean;
  /** The weights file the dtype selects, relative to `folder`. */
  onnxFile: string;
  /** The repository id, when the model came (or comes) from the Hub rather than a folder the user named. */
  repository: string | undefined;
}

const repositoryIdPattern = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
const flagForRole = { embedding: '--embedding-model', generation: '--generation-model' } as const;

function looksLikePath(reference: string): boolean {
  return (
    isAbsolute(reference) ||
    reference.startsWith('.') ||
    reference.startsWith('~') ||
    reference.includes('\\') ||
    !repositoryIdPattern.test(reference) ||
    existsSync(reference)
  );
}

/**
 * Decides where a model comes from without touching the network: a local folder, a
 * repository already in the cache, or — only if the user allowed it — a download.
 */
export async function resolveModelSource(options: ModelSourceOptions): Promise<ModelSource> {
  const onnxFile = join('onnx', `${options.fileStem ?? 'model'}${onnxFileSuffix[options.dtype]}.onnx`);
  if (looksLikePath(options.model)) {
    const folder = resolve(options.model);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new GemmaRagError(
        errorCodes.modelNotFound,
        `Model folder not found: ${folder} (from ${flagForRole[options.role]}). The transformers engine takes a Hugging Face repository id such as onnx-community/embeddinggemma-300m-ONNX, or a folder holding config.json, tokenizer.json and onnx/*.onnx.`,
        { data: { path: folder, role: options.role } },
      );
    }
    await checkFolder(folder, onnxFile, options);
    await checkModelFiles(folder, onnxFile);
    return {
      pathOrRepository: folder,
      folder,
      cacheDir: undefined,
      localFilesOnly: true,
      onnxFile,
      repository: undefined,
    };
  }
  const cacheDir = options.cacheDir ?? transformersCacheDirectory(options.environment);
  const folder = join(cacheDir, options.model);
  const downloaded = existsSync(join(folder, 'config.json')) && existsSync(join(folder, onnxFile));
  if (downloaded) {
    // Load a downloaded repository as the folder it is: transformers.js 4.3.2 looks up
    // tokenizer_config.json on the Hub even with local_files_only (get_tokenizer_files
    // drops the options), which fails offline; a folder path never reaches the network.
    await checkModelFiles(folder, onnxFile, { downloaded: true });
    return {
      pathOrRepository: folder,
      folder,
      cacheDir: undefined,
      localFilesOnly: true,
      onnxFile,
      repository: options.model,
    };
  }
  const allowed =
    !options.localFilesOnly &&
    (typeof options.allowDownload === 'function'
      ? await options.allowDownload(options.model)
      : options.allowDownload === true);
  if (!allowed) throw notDownloadedError(options, cacheDir, onnxFile);
  return {
    pathOrRepository: options.model,
    folder,
    cacheDir,
    localFilesOnly: false,
    onnxFile,
    repository: options.model,
  };
}

async function checkFolder(folder: string, onnxFile: string, options: ModelSourceOptions): Promise<void> {
  if (!existsSync(join(folder, 'config.json'))) {
    throw new GemmaRagError(
      errorCodes.modelNotFound,
      `${folder} has no config.json: it is not a transformers.js model folder. Download the whole repository (config.json, tokenizer files and onnx/), e.g. onnx-community/embeddinggemma-300m-ONNX.`,
      { data: { path: folder, missing: 'config.json' } },
    );
  }
  if (!existsSync(join(folder, onnxFile))) {
    const available = await availableDtypes(folder, options.fileStem ?? 'model');
    throw new GemmaRagError(
      errorCodes.modelNotFound,
      `${folder} has no ${onnxFile}, the file for --dtype ${options.dtype}.${available.length > 0 ? ` Available here: ${available.join(', ')}.` : ''}`,
      { data: { path: folder, missing: onnxFile, dtype: options.dtype, available } },
    );
  }
}

async function availableDtypes(folder: string, stem: string): Promise<TransformersDtype[]> {
  const files = new Set(await readdir(join(folder, 'onnx')).catch(() => [] as string[]));
  return transformersDtypes.filter((dtype) => files.has(`${stem}${onnxFileSuffix[dtype]}.onnx`));
}

function notDownloadedError(options: ModelSourceOptions, cacheDir: string, onnxFile: string): GemmaRagError {
  const flag = flagForRole[options.role];
  const lines = [
    `The ${options.role} model ${options.model} (${onnxFile}) is not downloaded yet (looked in ${join(cacheDir, options.model)}).`,
    'Add --pull to download it now (needs internet once; it then works offline).',
    `Or download the repository yourself (config.json, tokenizer.json, tokenizer_config.json and ${onnxFile}) and pass its folder: ${flag} PATH.`,
  ];
  if (options.role === 'embedding') lines.push('Or use another engine: --engine llama-cpp (GGUF) or --engine ollama.');
  return new GemmaRagError(errorCodes.modelNotFound, lines.join('\n'), {
    data: { role: options.role, repository: options.model, cacheDir, file: onnxFile },
  });
}

/** transformers.js reports a missing file with this error class (exported as ModelFileNotFoundError). */
export function isMissingFileError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'ModelFileNotFoundError' || /file was not found locally/.test(error.message))
  );
}

/** Which files a loading step of transformers.js reads: named when that step fails on their content. */
export type LoadingStep = 'config' | 'tokenizer' | 'weights';

function stepFiles(step: LoadingStep, source: ModelSource): string {
  const files = {
    config: ['config.json'],
    tokenizer: ['tokenizer.json', 'tokenizer_config.json'],
    weights: [source.onnxFile],
  };
  return files[step].map((file) => join(source.folder, file)).join(' and ');
}

// onnxruntime's words for a file it cannot parse (as opposed to, say, running out of memory).
const unreadableWeights = /protobuf|load model from .* failed|is a directory|invalid model|onnx/i;

/** Turns transformers.js loading failures into our errors; keeps ours as they are. */
export function loadingError(
  error: unknown,
  source: ModelSource,
  options: ModelSourceOptions,
  step?: LoadingStep,
): GemmaRagError {
  if (GemmaRagError.isInstance(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  if (isMissingFileError(error)) {
    return new GemmaRagError(
      errorCodes.modelNotFound,
      `A file of ${options.model} is missing (${reason}). ${
        source.repository
          ? 'The download may be incomplete: run again with --pull to fetch the rest.'
          : 'A model folder needs config.json, tokenizer.json, tokenizer_config.json and the onnx/ file for the dtype.'
      }`,
      { data: { model: options.model }, cause: error },
    );
  }
  if (!source.localFilesOnly) {
    // People get a sentence they can act on; scripts get the raw reason in `data` (--json).
    const failure = classifyDownloadFailure(error);
    return new GemmaRagError(
      errorCodes.downloadFailed,
      [
        `Could not download the ${options.role} model ${options.model}. ${failure.sentence}`,
        `Run again with --pull once online, or download the repository yourself and pass its folder: ${flagForRole[options.role]} PATH.`,
      ].join('\n'),
      { data: { model: options.model, failure: failure.kind, reason: describeError(error) }, cause: error },
    );
  }
  // The files are all there (checked before loading), so a failure to read the config or
  // tokenizer is their content; for the weights only when onnxruntime says it cannot parse them.
  if (step === 'config' || step === 'tokenizer' || (step === 'weights' && unreadableWeights.test(reason))) {
    const files = stepFiles(step, source);
    return new GemmaRagError(errorCodes.modelIncompatible, `${files} of ${options.model} cannot be used: ${reason}`, {
      data: { model: options.model, files, reason },
      cause: error,
    });
  }
  return new GemmaRagError(errorCodes.engineFailure, `transformers.js could not load ${options.model}: ${reason}`, {
    data: { model: options.model },
    cause: error,
  });
}

/**
 * Identifies the weights: sha256 over config.json, the ONNX file's name, size and first MiB
 * (plus its external-data file's size, when the weights live there). Cheap, and it changes
 * with the weights and the dtype.
 */
export async function modelFingerprint(folder: string, onnxFile: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update(await readFile(join(folder, 'config.json')));
  hash.update(onnxFile);
  const file = await open(join(folder, onnxFile), 'r');
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(Math.min(size, 1 << 20));
    await file.read(head, 0, head.length, 0);
    hash.update(String(size)).update(head);
  } finally {
    await file.close();
  }
  const externalData = join(folder, `${onnxFile}_data`);
  if (existsSync(externalData)) hash.update(`data:${statSync(externalData).size}`);
  return hash.digest('hex');
}
