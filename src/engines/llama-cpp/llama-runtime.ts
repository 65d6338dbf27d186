import type { Llama } from 'node-llama-cpp';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';

export interface LlamaRuntimeOptions {
  /** `auto` uses a GPU when one is usable; `false` forces the CPU. Default `auto`. */
  gpu?: 'auto' | false | undefined;
}

let shared: { key: string; llama: Promise<Llama> } | undefined;

/**
 * One llama.cpp binding per process: loading it twice wastes memory and start-up time.
 * node-llama-cpp is imported lazily so the lexical engine never pays for it.
 */
export function getLlamaRuntime(options: LlamaRuntimeOptions = {}): Promise<Llama> {
  const gpu = options.gpu ?? 'auto';
  const key = String(gpu);
  if (shared?.key === key) return shared.llama;
  const llama = (async () => {
    try {
      const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
      // Never build from source or download binaries at run time: the prebuilt binaries
      // ship inside the npm package, and a silent hour-long build is worse than an error.
      return await getLlama({ gpu, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false });
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
