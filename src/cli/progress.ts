import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import type { ModelLoadProgress, StageProgress } from '../app/rag.js';
import type { CliIo } from './cli-io.js';

export interface ProgressReporter {
  update(done: number, total: number): void;
  stop(): void;
}

const silent: ProgressReporter = { update() {}, stop() {} };

/** A progress bar on stderr when a person is watching; nothing when output is piped or JSON. */
export function progressBar(
  io: CliIo,
  label: string,
  options: { enabled: boolean; bytes?: boolean },
): ProgressReporter {
  if (!options.enabled || !io.stderr.isTTY) return silent;
  const format = options.bytes
    ? `${label} [{bar}] {percentage}% | {doneMegabytes}/{totalMegabytes} MB`
    : `${label} [{bar}] {percentage}% | {value}/{total}`;
  const bar = new cliProgress.SingleBar(
    { format, stream: io.stderr, hideCursor: true, clearOnComplete: true, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const megabytes = (bytes: number) => (bytes / 1_000_000).toFixed(1);
  return {
    update(done, total) {
      const payload = options.bytes ? { doneMegabytes: megabytes(done), totalMegabytes: megabytes(total) } : {};
      if (!started) {
        bar.start(total, done, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

/**
 * One bar per stage of a long flow (ingest, reindex): when a stage begins, the previous
 * stage's bar ends, so the terminal shows what is happening now.
 */
export function stageProgress(
  io: CliIo,
  labels: Partial<Record<StageProgress['stage'], string>>,
  options: { enabled: boolean },
): { update(progress: StageProgress): void; stop(): void } {
  let current: { stage: StageProgress['stage']; bar: ProgressReporter } | undefined;
  return {
    update({ stage, done, total }) {
      const label = labels[stage];
      if (label === undefined) return;
      if (current?.stage !== stage) {
        current?.bar.stop();
        current = { stage, bar: progressBar(io, label, options) };
      }
      current.bar.update(done, total);
    },
    stop() {
      current?.bar.stop();
      current = undefined;
    },
  };
}

const roleNames: Record<ModelLoadProgress['role'], string> = {
  embedding: 'embedding model',
  generation: 'answering model',
  reranking: 'reranker',
};

/**
 * A bar per model while its weights load (a few seconds for EmbeddingGemma, longer for the
 * answering model), on a terminal only; it disappears when the model is ready.
 */
export function modelLoadProgress(io: CliIo, options: { enabled: boolean }): (progress: ModelLoadProgress) => void {
  let current: { key: string; bar: ProgressReporter } | undefined;
  return ({ role, model, fraction }) => {
    const key = `${role}\0${model}`;
    if (current?.key !== key) {
      current?.bar.stop();
      current = { key, bar: progressBar(io, `Loading ${roleNames[role]} ${basename(model)}`, options) };
    }
    current.bar.update(Math.round(fraction * 100), 100);
    if (fraction >= 1) {
      current.bar.stop();
      current = undefined;
    }
  };
}
