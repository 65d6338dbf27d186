import { type Command, Option } from 'commander';
import { type DoctorCheck, runDoctor, type WeightPrecision } from '../../doctor/run-doctor.js';
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

const symbols: Record<DoctorCheck['status'], string> = { pass: '✔', warn: '⚠', fail: '✖', skip: '–' };

async function doctor(io: CliIo, flags: DoctorFlags): Promise<number> {
  const report = await runDoctor({
    open: () => createRagForCli(io, configFromFlags(flags), flags),
    openComparison: flags.compareEngine
      ? () =>
          createRagForCli(
            io,
            configFromFlags({
              ...flags,
              engine: flags.compareEngine,
              baseUrl: flags.compareBaseUrl,
              embeddingModel: flags.compareEmbeddingModel,
            }),
            flags,
          )
      : undefined,
    precision: flags.precision,
    generationModelGiven: flags.generationModel !== undefined,
    onCheck: (check) => {
      if (!flags.json) writeLine(io.stdout, `${symbols[check.status]} ${check.name}: ${check.detail}`);
    },
  });
  if (flags.json) writeJson(io, report);
  else writeLine(io.stdout, report.ok ? '\nAll checks passed.' : '\nSome checks failed.');
  return report.ok ? exitCodes.success : exitCodes.failure;
}
