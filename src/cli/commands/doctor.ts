import { type Command, Option } from 'commander';
import type { Rag } from '../../app/rag.js';
import { compareEmbedders } from '../../doctor/compare-engines.js';
import {
  checkModelCardReference,
  precisionFromLabel,
  type WeightPrecision,
} from '../../doctor/model-card-reference.js';
import { distanceFromReference, referenceWarnBelow } from '../../doctor/reference-set.js';
import { namedPrompt } from '../../embedding/prompts.js';
import { cosineSimilarity, dot } from '../../embedding/vector-math.js';
import { generationModelWarning } from '../../engines/llama-cpp/generation-model-facts.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { type CliIo, type CommandRunner, writeJson, writeLine } from '../cli-io.js';
import {
  addEngineOptions,
  addGenerationOptions,
  configFromFlags,
  createRagForCli,
  type EngineFlags,
} from '../engine-options.js';
import { exitCodes } from '../exit-codes.js';

interface DoctorFlags extends EngineFlags {
  precision?: WeightPrecision;
  compareEngine?: string;
  compareBaseUrl?: string;
  compareEmbeddingModel?: string;
}

export interface DoctorCheck {
  name: string;
  /** `warn`: works, but measurably worse than it should be; does not fail the run. */
  status: 'pass' | 'warn' | 'fail' | 'skip';
  detail: string;
}

export function registerDoctor(program: Command, io: CliIo, run: CommandRunner) {
  const command = program
    .command('doctor')
    .description(
      'check the configured engine and model: loads, right architecture, normalized vectors, model-card reference; compare two engines',
    )
    .addOption(
      new Option('--precision <p>', 'weight precision for the reference tolerance').choices([
        'fp32',
        'bf16',
        'q8',
        'q4',
      ]),
    )
    .option('--compare-engine <engine>', 'a second engine that should give the same vectors (cosine ≥ 0.999)')
    .option('--compare-base-url <url>', 'its server address')
    .option('--compare-embedding-model <model>', 'its model (file, repository or server-side name)');
  addGenerationOptions(command);
  addEngineOptions(command);
  command.action((flags: DoctorFlags) => run(() => doctor(io, flags), flags.json ?? false));
}

/** A guess from names like `embeddinggemma-300M-Q8_0.gguf` or `:300m-qat-q4_0`. */
function precisionOf(modelId: string): WeightPrecision | undefined {
  for (const part of modelId.split(/[^A-Za-z0-9_]+/)) {
    const precision = precisionFromLabel(part) ?? precisionFromLabel(part.replace(/^.*(q\d(_\w+)?|f32|bf16)$/i, '$1'));
    if (precision) return precision;
  }
  return undefined;
}

async function doctor(io: CliIo, flags: DoctorFlags): Promise<number> {
  const checks: DoctorCheck[] = [];
  const record = (check: DoctorCheck) => {
    checks.push(check);
    if (!flags.json)
      writeLine(
        io.stdout,
        `${{ pass: '✔', warn: '⚠', fail: '✖', skip: '–' }[check.status]} ${check.name}: ${check.detail}`,
      );
  };
  let rag: Rag | undefined;
  let other: Rag | undefined;
  let comparison: Awaited<ReturnType<typeof compareEmbedders>> | undefined;
  try {
    try {
      rag = await createRagForCli(io, configFromFlags(flags), flags);
      const { model, profile, dimensions } = rag.embedder;
      record({
        name: 'model loads',
        status: 'pass',
        detail: `${model.label} ${model.modelId} — ${profile.displayName}, ${dimensions} of ${model.dimensions} dimensions`,
      });
    } catch (error) {
      record({ name: 'model loads', status: 'fail', detail: error instanceof Error ? error.message : String(error) });
      return finish(io, flags, checks, undefined);
    }
    await checkVectors(rag, record);
    await checkReference(rag, flags, record);
    await checkDistanceFromFp32(rag, record);
    await checkAnsweringModel(rag, flags, record);
    if (flags.compareEngine) {
      other = await createRagForCli(
        io,
        configFromFlags({
          ...flags,
          engine: flags.compareEngine,
          baseUrl: flags.compareBaseUrl,
          embeddingModel: flags.compareEmbeddingModel,
        }),
        flags,
      );
      try {
        comparison = await compareEmbedders(rag.embedder, other.embedder);
      } catch (error) {
        record({
          name: 'engines agree',
          status: 'fail',
          detail: error instanceof Error ? error.message : String(error),
        });
        return finish(io, flags, checks, undefined);
      }
      record({
        name: 'engines agree',
        status: comparison.passed ? 'pass' : 'fail',
        detail: `${comparison.left} vs ${comparison.right}: minimum cosine ${comparison.minCosine.toFixed(5)} over ${comparison.texts.length} texts (need ≥ ${comparison.threshold})`,
      });
    }
    return finish(io, flags, checks, comparison);
  } finally {
    await rag?.dispose();
    await other?.dispose();
  }
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

async function checkReference(rag: Rag, flags: DoctorFlags, record: (check: DoctorCheck) => void): Promise<void> {
  if (rag.embedder.model.engine === 'lexical') {
    record({ name: 'model card reference', status: 'skip', detail: 'the lexical stand-in is not EmbeddingGemma' });
    return;
  }
  const precision = flags.precision ?? precisionOf(rag.embedder.model.modelId);
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
    record({ name, status: 'fail', detail: error instanceof Error ? error.message : String(error) });
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
  flags: DoctorFlags & { generationModel?: string },
  record: (check: DoctorCheck) => void,
): Promise<void> {
  const name = 'answering model';
  let inspected: Awaited<ReturnType<Rag['inspectLanguageModel']>>;
  try {
    inspected = await rag.inspectLanguageModel();
  } catch (error) {
    const missing = GemmaRagError.isInstance(error) && error.code === errorCodes.modelNotFound;
    if (missing && !flags.generationModel) {
      record({ name, status: 'skip', detail: 'no answering model downloaded yet (gemma-rag pull generation)' });
    } else record({ name, status: 'fail', detail: error instanceof Error ? error.message : String(error) });
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

function finish(
  io: CliIo,
  flags: DoctorFlags,
  checks: DoctorCheck[],
  comparison: Awaited<ReturnType<typeof compareEmbedders>> | undefined,
): number {
  const failed = checks.some((check) => check.status === 'fail');
  if (flags.json) writeJson(io, { ok: !failed, checks, ...(comparison ? { comparison } : {}) });
  else writeLine(io.stdout, failed ? '\nSome checks failed.' : '\nAll checks passed.');
  return failed ? exitCodes.failure : exitCodes.success;
}
