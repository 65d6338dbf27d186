import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import type { ModelSourceOptions } from './model-source.js';

export type TransformersModule = typeof import('@huggingface/transformers');

/** What both transformers engines accept when loading; defaults for `model` and `dtype` are per engine. */
export interface TransformersLoadOptions {
  /** Hugging Face repository id or local folder. */
  model?: string | undefined;
  /** `fp32`, `q8` or `q4` weights; float16 variants are refused (activations overflow to NaN). */
  dtype?: string | undefined;
  /** Download cache for repository ids. Default `$GEMMA_RAG_HOME/models/transformers`. */
  cacheDir?: string | undefined;
  /** Never touch the network. */
  localFilesOnly?: boolean | undefined;
  /** `true` downloads a missing repository; a function asks first; default: never download. */
  allowDownload?: ModelSourceOptions['allowDownload'];
  /** Download progress in bytes, summed over the files being fetched. */
  onProgress?: ((status: { downloadedBytes: number; totalBytes: number }) => void) | undefined;
  /** ONNX Runtime intra-op threads. Default: ONNX Runtime's (the physical cores). */
  threads?: number | undefined;
  /** Where GEMMA_RAG_HOME is read from. Default `process.env`. */
  environment?: NodeJS.ProcessEnv | undefined;
  /** Replaces `import('@huggingface/transformers')` (tests simulate a missing package). */
  importTransformers?: (() => Promise<TransformersModule>) | undefined;
}

/** The version range gemma-rag is tested with (EmbeddingGemma 2 needs ≥ 4.3.1). */
export const transformersPackage = '@huggingface/transformers@4.3.2';

export const installAdvice = [
  'It is not installed by default (about 475 MB with onnxruntime). Add it to your project with:',
  `  ONNXRUNTIME_NODE_INSTALL=skip npm install -E ${transformersPackage}`,
  '  (the variable stops onnxruntime-node downloading CUDA libraries that CPU inference does not need,',
  '  which also fails on a machine without internet access.)',
  'Or use another engine: --engine llama-cpp (GGUF) or --engine ollama.',
].join('\n');

let shared: Promise<TransformersModule> | undefined;

/**
 * transformers.js is not a dependency of gemma-rag (only a devDependency, for its tests): users
 * add it when they want this engine, so the others never pay for onnxruntime (~475 MB installed).
 * It is imported only when the transformers engine is used.
 * `importModule` is injectable so tests can simulate a missing package.
 */
export function loadTransformers(importModule?: () => Promise<TransformersModule>): Promise<TransformersModule> {
  if (importModule) return importTransformers(importModule);
  if (shared) return shared;
  const loading = importTransformers(() => import('@huggingface/transformers'));
  shared = loading;
  // A failed import may succeed later (after `npm install`): do not cache the failure.
  loading.catch(() => {
    if (shared === loading) shared = undefined;
  });
  return loading;
}

async function importTransformers(importModule: () => Promise<TransformersModule>): Promise<TransformersModule> {
  {
    let module: TransformersModule;
    try {
      module = await importModule();
    } catch (error) {
      const missing =
        (error as { code?: unknown } | undefined)?.code === 'ERR_MODULE_NOT_FOUND' &&
        String((error as Error).message).includes('@huggingface/transformers');
      throw new GemmaRagError(
        errorCodes.engineFailure,
        missing
          ? `The transformers engine needs the package @huggingface/transformers, which is not installed.\n${installAdvice}`
          : `Could not load @huggingface/transformers: ${error instanceof Error ? error.message : String(error)}\n${installAdvice}`,
        { data: { package: '@huggingface/transformers', missing }, cause: error },
      );
    }
    // The one global we touch: transformers.js logs to the console (e.g. "Unable to load from
    // local path" before every download, tensor dumps on errors). Library code must not print;
    // failures reach the caller as GemmaRagErrors instead. Everything else is passed per call.
    module.env.logLevel = module.LogLevel.NONE;
    return module;
  }
}

/** ONNX Runtime session options: errors only (it warns about unused initializers otherwise), optional thread count. */
export function sessionOptions(threads: number | undefined): Record<string, unknown> {
  return {
    logSeverityLevel: 3,
    ...(threads === undefined ? {} : { intraOpNumThreads: threads, interOpNumThreads: 1 }),
  };
}
