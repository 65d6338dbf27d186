import type { Llama } from 'node-llama-cpp';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { physicalCoreCount } from './physical-cores.js';

export interface LlamaRuntimeOptions {
  /** `auto` uses a GPU when one is usable; `false` forces the CPU. Default `auto`. */
  gpu?: 'auto' | false | undefined;
  /** How far loading the weights is, from 0 to 1 (llama.cpp's own report). */
  onLoadProgress?: ((fraction: number) => void) | undefined;
}

let shared: { key: string; llama: Promise<Llama> } | undefined;

/**
 * llama.cpp's error lines, newest last. It reports why a model failed to load only in its
 * log ("key not found in model: …"); node-llama-cpp's exception says "Failed to load model".
 * Keeping them here, instead of on the console, lets the failure carry its reason.
 */
const recentErrors: string[] = [];
let errorsLogged = 0;

function rememberError(message: string): void {
  recentErrors.push(message.trim());
  errorsLogged++;
  if (recentErrors.length > 20) recentErrors.shift();
}

/** Runs `action`; if it fails, the error gets llama.cpp's log lines from meanwhile as `llamaLog`. */
export async function withLlamaLog<Result>(action: () => Promise<Result>): Promise<Result> {
  const before = errorsLogged;
  try {
    return await action();
  } catch (error) {
    const count = Math.min(errorsLogged - before, recentErrors.length);
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), {
      llamaLog: count > 0 ? recentErrors.slice(-count) : [],
    });
  }
}

/**
 * A model that llama.cpp refuses to load: MODEL_INCOMPATIBLE when its log blames the file
 * (missing keys or tensors, wrong shapes), ENGINE_FAILURE otherwise (memory, the backend).
 */
export function loadFailure(path: string, error: unknown): GemmaRagError {
  if (GemmaRagError.isInstance(error)) return error;
  const log = (error as { llamaLog?: string[] } | undefined)?.llamaLog ?? [];
  const message = error instanceof Error ? error.message : String(error);
  const fileProblem = log.find((line) => /error loading model/i.test(line) && !/alloc|memory/i.test(line));
  if (fileProblem) {
    const reason = fileProblem.replace(/^.*?error loading model:\s*/i, '');
    return new GemmaRagError(errorCodes.modelIncompatible, `${path} cannot be loaded by llama.cpp: ${reason}`, {
      data: { path, reason, log },
      cause: error,
    });
  }
  return new GemmaRagError(
    errorCodes.engineFailure,
    `llama.cpp could not load ${path}: ${[message, ...log].join('; ')}`,
    { data: { path, log }, cause: error },
  );
}

/**
 * One llama.cpp binding per process: loading it twice wastes memory and start-up time.
 * node-llama-cpp is imported lazily: engines without a model of their own load it only to count
 * tokens with the Gemma 3 vocabulary (gemma3-vocabulary.ts), on the CPU binding.
 */
export function getLlamaRuntime(options: LlamaRuntimeOptions = {}): Promise<Llama> {
  const gpu = options.gpu ?? 'auto';
  const key = String(gpu);
  if (shared?.key === key) return shared.llama;
  const llama = (async () => {
    try {
      const { getLlama, LlamaLogLevel, LlamaLogLevelGreaterThan } = await import('node-llama-cpp');
      // Never build from source or download binaries at run time: the prebuilt binaries
      // ship inside the npm package, and a silent hour-long build is worse than an error.
      return await getLlama({
        gpu,
        build: 'never',
        logLevel: LlamaLogLevel.error,
        logger: (level, message) => {
          if (!LlamaLogLevelGreaterThan(level, LlamaLogLevel.error)) rememberError(message);
        },
        progressLogs: false,
        // Contexts share the physical cores (node-llama-cpp splits them between evaluations that
        // run at once); more threads than cores in flight made llama.cpp several times slower here.
        maxThreads: physicalCoreCount(),
      });
    } catch (error) {
      throw new GemmaRagError(
        errorCodes.engineFailure,
        `Could not start the llama.cpp engine (node-llama-cpp): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  })();
  shared = { key, llama };
  return llama;
}

/**
 * The binding already loaded, whatever its GPU setting, else the CPU one: for work that needs
 * llama.cpp but no compute (counting tokens with a vocabulary), so it never loads a second binding.
 */
export function anyLlamaRuntime(): Promise<Llama> {
  return shared?.llama ?? getLlamaRuntime({ gpu: false });
}
