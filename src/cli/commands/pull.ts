import type { Command } from 'commander';
import { knownModels, pullModels } from '../../app/pull-models.js';
import { type CliIo, type CommandRunner, writeJson, writeLine } from '../cli-io.js';
import { type ProgressReporter, progressBar } from '../progress.js';

interface PullFlags {
  list?: boolean;
  json?: boolean;
}

export function registerPull(program: Command, io: CliIo, run: CommandRunner) {
  program
    .command('pull')
    .description('download models into $GEMMA_RAG_HOME/models (default: the EmbeddingGemma and Gemma 3 4B defaults)')
    .argument('[role]', 'embedding, generation or reranking (default: embedding and generation)')
    .argument('[model]', "a catalog alias, hf:user/repo:QUANT or https URL (default: the role's default)")
    .option('--list', 'list the known models')
    .option('--json', 'print { models: [{ role, reference, path }] }')
    .action((role: string | undefined, model: string | undefined, flags: PullFlags) =>
      run(() => pull(io, role, model, flags), flags.json ?? false),
    );
}

async function pull(io: CliIo, role: string | undefined, model: string | undefined, flags: PullFlags): Promise<void> {
  if (flags.list) {
    const known = knownModels(io.environment);
    if (flags.json) writeJson(io, known);
    else
      for (const entry of known.models)
        writeLine(
          io.stdout,
          `${entry.role.padEnd(10)} ${entry.alias.padEnd(15)} ${entry.uri}\n           ${entry.description}`,
        );
    return;
  }
  let bar: ProgressReporter | undefined;
  try {
    const pulled = await pullModels({
      role,
      model,
      environment: io.environment,
      onStart: (_role, reference) => {
        bar = progressBar(io, `Downloading ${reference}`, { enabled: !flags.json, bytes: true });
      },
      onProgress: ({ downloadedBytes, totalBytes }) => bar?.update(downloadedBytes, totalBytes),
      onPulled: (entry) => {
        bar?.stop();
        if (!flags.json) writeLine(io.stdout, `${entry.role}: ${entry.path}`);
      },
    });
    if (flags.json) writeJson(io, { models: pulled });
  } finally {
    bar?.stop();
  }
}
