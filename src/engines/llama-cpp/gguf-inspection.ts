import { createHash } from 'node:crypto';
import { access, open } from 'node:fs/promises';
import { type ModelProfile, profileForGgufArchitecture } from '../../embedding/model-profiles.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { GgufFormatError, type GgufHeader, readGgufHeader } from './gguf-header.js';

/** What we need to know about a GGUF file before handing it to llama.cpp. */
export interface GgufSummary {
  path: string;
  architecture: string;
  name: string | undefined;
  /** llama.cpp pooling type: 0 none, 1 mean, 2 cls, 3 last, 4 rank; undefined when absent. */
  poolingType: number | undefined;
  tensorNames: ReadonlySet<string>;
  /** Every metadata key (arrays and long strings by type and length only). */
  metadata: GgufHeader['metadata'];
  /** sha256 over the file size and its first and last MiB: cheap, and changes with the weights. */
  fingerprint: string;
}

/** Architectures llama.cpp runs as embedding models (non-causal or with pooling). */
const embeddingArchitectures = new Set([
  'gemma-embedding',
  'gemma-embedding2',
  'bert',
  'nomic-bert',
  'nomic-bert-moe',
  'jina-bert-v2',
  'jina-bert-v3',
  't5encoder',
  'modern-bert',
  'neo-bert',
]);

export const denseTensorNames = ['dense_2.weight', 'dense_3.weight'] as const;

const poolingNames: Record<number, string> = { 0: 'none', 1: 'mean', 2: 'cls', 3: 'last', 4: 'rank' };

export async function inspectGguf(path: string): Promise<GgufSummary> {
  try {
    await access(path);
  } catch (error) {
    throw new GemmaRagError(errorCodes.modelNotFound, `Model file not found: ${path}`, {
      data: { path },
      cause: error,
    });
  }
  let header: GgufHeader;
  try {
    header = readGgufHeader(path);
  } catch (error) {
    throw unreadableModelError(path, error);
  }
  const architecture = header.metadata.get('general.architecture');
  if (typeof architecture !== 'string' || architecture === '') {
    throw new GemmaRagError(
      errorCodes.modelIncompatible,
      `${path} is not a usable GGUF model file: it has no general.architecture, so nothing can tell what model it holds.`,
      { data: { path, reason: 'no general.architecture' } },
    );
  }
  const pooling = header.metadata.get(`${architecture}.pooling_type`);
  const name = header.metadata.get('general.name');
  return {
    path,
    architecture,
    name: typeof name === 'string' ? name : undefined,
    poolingType: typeof pooling === 'number' ? pooling : undefined,
    tensorNames: new Set(header.tensors.map((tensor) => tensor.name)),
    metadata: header.metadata,
    fingerprint: await fileFingerprint(path),
  };
}

function unreadableModelError(path: string, error: unknown): GemmaRagError {
  if (error instanceof GgufFormatError) {
    return new GemmaRagError(
      errorCodes.modelIncompatible,
      `${path} is not a usable GGUF model file: ${error.reason}.`,
      { data: { path, reason: error.reason, offset: error.offset }, cause: error },
    );
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  const reason = code === 'EISDIR' ? 'it is a directory' : error instanceof Error ? error.message : String(error);
  return new GemmaRagError(errorCodes.modelIncompatible, `${path} cannot be read as a GGUF model file: ${reason}.`, {
    data: { path, reason },
    cause: error,
  });
}

export interface EmbeddingCheckOptions {
  /** Load an EmbeddingGemma GGUF that lacks its Dense layers anyway (vectors will be wrong). */
  allowMissingDense?: boolean | undefined;
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * Refuses files that would load but embed wrongly or not at all. Returns the profile the
 * file's architecture implies, if it is one of ours.
 */
export function checkEmbeddingGguf(
  summary: GgufSummary,
  options: EmbeddingCheckOptions = {},
): ModelProfile | undefined {
  const { path, architecture } = summary;
  if (architecture === 'gemma-embedding2') {
    throw new GemmaRagError(
      errorCodes.modelIncompatible,
      `${path} is an EmbeddingGemma 2 GGUF (architecture gemma-embedding2), which the llama.cpp bundled with node-llama-cpp 3.21 cannot load. Run it with a recent llama.cpp server and --engine openai-compatible, or use the ONNX model with --engine transformers.`,
      { data: { path, architecture } },
    );
  }
  if (!embeddingArchitectures.has(architecture)) {
    throw new GemmaRagError(
      errorCodes.modelIncompatible,
      `${path} is a "${architecture}" model, not an embedding model. Pass an EmbeddingGemma GGUF as the embedding model (e.g. hf:ggml-org/embeddinggemma-300M-GGUF:Q8_0), and use this file with --generation-model instead.`,
      { data: { path, architecture } },
    );
  }
  if (summary.poolingType !== 1) {
    const found =
      summary.poolingType === undefined
        ? 'no pooling type'
        : `pooling "${poolingNames[summary.poolingType] ?? summary.poolingType}"`;
    throw new GemmaRagError(
      errorCodes.modelIncompatible,
      `${path} declares ${found}; EmbeddingGemma needs mean pooling (${architecture}.pooling_type = 1). Without it llama.cpp silently returns one token's vector. Use a correctly converted GGUF such as hf:ggml-org/embeddinggemma-300M-GGUF:Q8_0.`,
      { data: { path, poolingType: summary.poolingType ?? null } },
    );
  }
  const profile = profileForGgufArchitecture(architecture);
  if (profile?.requiresDenseLayers) {
    const missing = denseTensorNames.filter((name) => !summary.tensorNames.has(name));
    if (missing.length > 0) {
      const message = `${path} lacks EmbeddingGemma's Dense layers (${missing.join(', ')}); its vectors will not match the real model's. Many GGUF conversions drop them. Use hf:ggml-org/embeddinggemma-300M-GGUF:Q8_0, which keeps them.`;
      if (!options.allowMissingDense) {
        throw new GemmaRagError(errorCodes.modelIncompatible, `${message} (--allow-missing-dense loads it anyway.)`, {
          data: { path, missing },
        });
      }
      options.onWarning?.(`WARNING: ${message} Loading it anyway because --allow-missing-dense was given.`);
    }
  }
  return profile;
}

export function checkGenerationGguf(summary: GgufSummary): void {
  if (embeddingArchitectures.has(summary.architecture)) {
    throw new GemmaRagError(
      errorCodes.modelIncompatible,
      `${summary.path} is an embedding model (${summary.architecture}); it cannot generate answers. Pass a Gemma 3 or Gemma 4 instruction model as --generation-model.`,
      { data: { path: summary.path, architecture: summary.architecture } },
    );
  }
}

async function fileFingerprint(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const window = Math.min(size, 1 << 20);
    const head = Buffer.alloc(window);
    const tail = Buffer.alloc(window);
    await file.read(head, 0, window, 0);
    await file.read(tail, 0, window, size - window);
    return createHash('sha256').update(String(size)).update(head).update(tail).digest('hex');
  } finally {
    await file.close();
  }
}
