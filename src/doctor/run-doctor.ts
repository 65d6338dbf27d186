import type { Rag } from '../app/rag.js';
import { namedPrompt } from '../embedding/prompts.js';
import { cosineSimilarity, dot } from '../embedding/vector-math.js';
import { generationModelWarning } from '../engines/llama-cpp/generation-model-facts.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { compareEmbedders, type EngineComparison } from './compare-engines.js';
import { checkModelCardReference, precisionFromLabel, type WeightPrecision } from './model-card-reference.js';
import { distanceFromReference, referenceWarnBelow } from './reference-set.js';

export type { WeightPrecision } from './model-card-reference.js';

export interface DoctorCheck {
  name: string;
  /** `warn`: works, but measurably worse than it should be; does not fail the run. */
  status: 'pass' | 'warn' | 'fail' | 'skip';
  detail: string;
}

export interface DoctorOptions {
  /** Builds the configured pipeline; its failure is the first check's. */
  open: () => Promise<Rag>;
  /** A second engine that should give the same vectors (`--compare-engine`). */
  openComparison?: (() => Promise<Rag>) | undefined;
  /** Weight precision for the model-card tolerance; guessed from the model's name when absent. */
  precision?: WeightPrecision | undefined;
  /** Whether an answering model was named (a missing default one is only skipped). */
  generationModelGiven: boolean;
  /** Each check as it finishes, for people watching. */
  onCheck?: ((check: DoctorCheck) => void) | undefined;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
  comparison?: EngineComparison;
}

/**
 * The doctor flow: the model loads, gives finite normalized vectors that depend on the prompt,
 * matches the model card's reference and the fp32 reference set, the answering model is
 * instruction-tuned, and (optionally) a second engine gives the same vectors.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const record = (check: DoctorCheck) => {
    checks.push(check);
    options.onCheck?.(check);
  };
  const report = (comparison?: EngineComparison): DoctorReport => ({
    ok: !checks.some((check) => check.status === 'fail'),
    checks,
    ...(comparison ? { comparison } : {}),
  });
  let rag: Rag;
  try {
    rag = await options.open();
  } catch (error) {
    record({ name: 'model loads', status: 'fail', detail: messageOf(error) });
    return report();
  }
  await using _rag = rag;
  const { model, profile, dimensions } = rag.embedder;
  record({
    name: 'model loads',
    status: 'pass',
    detail: `${model.label} ${model.modelId} — ${profile.displayName}, ${dimensions} of ${model.dimensions} dimensions`,
  });
  await checkVectors(rag, record);
  await checkReference(rag, options.precision, record);
  await checkDistanceFromFp32(rag, record);
  await checkAnsweringModel(rag, options.generationModelGiven, record);
  if (!options.openComparison) return report();
  await using other = await options.openComparison();
  let comparison: EngineComparison;
  try {
    comparison = await compareEmbedders(rag.embedder, other.embedder);
  } catch (error) {
    record({ name: 'engines agree', status: 'fail', detail: messageOf(error) });
    return report();
  }
  record({
    name: 'engines agree',
    status: comparison.passed ? 'pass' : 'fail',
    detail: `${comparison.left} vs ${comparison.right}: minimum cosine ${comparison.minCosine.toFixed(5)} over ${comparison.texts.length} texts (need ≥ ${comparison.threshold})`,
  });
  return report(comparison);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A guess from names like `embeddinggemma-300M-Q8_0.gguf` or `:300m-qat-q4_0`. */
function precisionOf(modelId: string): WeightPrecision | undefined {
  for (const part of modelId.split(/[^A-Za-z0-9_]+/)) {
    const precision = precisionFromLabel(part) ?? precisionFromLabel(part.replace(/^.*(q\d(_\w+)?|f32|bf16)$/i, '$1'));
    if (precision) return precision;
  }
  return undefined;
}

async function checkVectors(rag: Rag, record: (check: DoctorCheck) => void): Promise<void> {
  const { model } = rag.embedder;
  const texts = ['Which planet is known as the Red Planet?', '如何重置密码？', 'パスワードを忘れました'];
  const raw = (await model.embed({ values: texts })).embeddings;
  const finite = raw.every((vector) => vector.every(Number.isFinite));
  const norms = raw.map((vector) => Math.sqrt(dot(vector, vector)));
  record({
    name: 'engine output is finite',
    status: finite && norms.every((norm) => norm > 0) ? 'pass' : 'fail',
    detail: `raw norms ${norms.map((norm) => norm.toFixed(4)).join(', ')} (gemma-rag normalizes them)`,
  });
  const vectors = await rag.embedder.embedMany(texts, { prompt: namedPrompt('query') });
  const unit = vectors.every((vector) => Math.abs(Math.sqrt(dot(vector, vector)) - 1) < 1e-3);
  record({
    name: 'vectors are normalized',
    status: unit ? 'pass' : 'fail',
    detail: `${vectors.length} vectors of ${rag.embedder.dimensions} values`,
  });
  if (model.engine === 'lexical') {
    record({
      name: 'prompt reaches the model',
      status: 'skip',
      detail: 'the lexical stand-in ignores task prompts by design',
    });
    return;
  }
  const [query, classification] = await Promise.all([
    rag.embedder.embedQuery(texts[0] as string, { promptName: 'query' }),
    rag.embedder.embedQuery(texts[0] as string, { promptName: 'Classification' }),
  ]);
  const similarity = cosineSimilarity(query, classification);
  record({
    name: 'prompt reaches the model',
    status: similarity < 0.99999 ? 'pass' : 'fail',
    detail: `query vs Classification prompt on the same text: cosine ${similarity.toFixed(5)}${similarity < 0.99999 ? '' : ' — the prompt is being dropped'}`,
  });
}

async function checkReference(
  rag: Rag,
  precisionGiven: WeightPrecision | undefined,
  record: (check: DoctorCheck) => void,
): Promise<void> {
  if (rag.embedder.model.engine === 'lexical') {
    record({ name: 'model card reference', status: 'skip', detail: 'the lexical stand-in is not EmbeddingGemma' });
    return;
  }
  const precision = precisionGiven ?? precisionOf(rag.embedder.model.modelId);
  if (!precision) {
    record({
      name: 'model card reference',
      status: 'skip',
      detail: 'unknown weight precision: pass --precision fp32|bf16|q8|q4',
    });
    return;
  }
  const reference = await checkModelCardReference(rag.embedder, { precision });
  if (!reference.applicable) {
    record({ name: 'model card reference', status: 'skip', detail: reference.reason });
    return;
  }
  record({
    name: 'model card reference',
    status: reference.passed ? 'pass' : 'fail',
    detail: `similarities ${reference.similarities.map((value) => value.toFixed(4)).join(', ')} vs ${reference.expected.join(', ')} (±${reference.tolerance} for ${precision})${reference.problems.length ? `: ${reference.problems.join('; ')}` : ''}`,
  });
}

/** Quantization damage the card check misses: the shipped fp32 reference set, long inputs included. */
async function checkDistanceFromFp32(rag: Rag, record: (check: DoctorCheck) => void): Promise<void> {
  const name = 'distance from fp32';
  if (rag.embedder.model.engine === 'lexical' || rag.profile.id !== 'embeddinggemma') {
    record({
      name,
      status: 'skip',
      detail: `the reference set is EmbeddingGemma-300M's; this is ${rag.profile.displayName}`,
    });
    return;
  }
  let distance: Awaited<ReturnType<typeof distanceFromReference>>;
  try {
    distance = await distanceFromReference(rag.embedder);
  } catch (error) {
    record({ name, status: 'fail', detail: messageOf(error) });
    return;
  }
  const detail = `min cosine ${distance.minCosine.toFixed(4)} to sentence-transformers fp32 over ${distance.count} texts (worst: ${distance.worst.tokens} tokens, "${distance.worst.text}…")`;
  record({
    name,
    status: distance.minCosine >= referenceWarnBelow ? 'pass' : 'warn',
    detail:
      distance.minCosine >= referenceWarnBelow
        ? detail
        : `${detail}: below ${referenceWarnBelow}. Post-training quantization (e.g. Q4_0, Q4_K_M) loses accuracy on long inputs; use Q8_0, the quantization-aware QAT files, or fp32.`,
  });
}

/** The answering model, from its file alone: a pretrained model continues text instead of answering. */
async function checkAnsweringModel(
  rag: Rag,
  generationModelGiven: boolean,
  record: (check: DoctorCheck) => void,
): Promise<void> {
  const name = 'answering model';
  let inspected: Awaited<ReturnType<Rag['inspectLanguageModel']>>;
  try {
    inspected = await rag.inspectLanguageModel();
  } catch (error) {
    const missing = GemmaRagError.isInstance(error) && error.code === errorCodes.modelNotFound;
    if (missing && !generationModelGiven) {
      record({ name, status: 'skip', detail: 'no answering model downloaded yet (gemma-rag pull generation)' });
    } else record({ name, status: 'fail', detail: messageOf(error) });
    return;
  }
  if (!inspected) {
    record({ name, status: 'skip', detail: 'served by a model server or repository; only GGUF files are inspected' });
    return;
  }
  const { path, facts } = inspected;
  const summary = `${facts.name ?? path} (${facts.architecture}${facts.contextLength ? `, context ${facts.contextLength}` : ''}, chat template ${facts.chatTemplate ? 'yes' : 'no'})`;
  const warning = generationModelWarning(path, facts);
  record({
    name,
    status: facts.tuning === 'pretrained' ? 'fail' : 'pass',
    detail: warning ? `${summary}: ${warning}` : `${summary}: ${facts.tuning} — ${facts.evidence}`,
  });
}
