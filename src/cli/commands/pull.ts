import type { Command } from 'commander';
import { defaultModelAlias, type ModelRole, modelCatalog } from '../../models/model-catalog.js';
import { modelsDirectory } from '../../models/model-home.js';
import { resolveModel } from '../../models/model-resolver.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { type CliIo, type CommandRunner, writeJson, writeLine } from '../cli-io.js';
import { progressBar } from '../progress.js';

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
    if (flags.json) writeJson(io, { directory: modelsDirectory(io.environment), models: modelCatalog });
    else
      for (const entry of modelCatalog)
        writeLine(
          io.stdout,
          `${entry.role.padEnd(10)} ${entry.alias.padEnd(15)} ${entry.uri}\n           ${entry.description}`,
        );
    return;
  }
  if (role !== undefined && role !== 'embedding' && role !== 'generation' && role !== 'reranking') {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `Unknown role "${role}": use "embedding", "generation" or "reranking".`,
    );
  }
  const roles: ModelRole[] = role ? [role] : ['embedding', 'generation'];
  const pulled = [];
  for (const current of roles) {
    const reference = model ?? defaultModelAlias[current];
    const bar = progressBar(io, `Downloading ${reference}`, { enabled: !flags.json, bytes: true });
    try {
      const path = await resolveModel({
        role: current,
        reference,
        allowDownload: true,
        environment: io.environment,
        onProgress: ({ downloadedBytes, totalBytes }) => bar.update(downloadedBytes, totalBytes),
      });
      pulled.push({ role: current, reference, path });
    } finally {
      bar.stop();
    }
    if (!flags.json) writeLine(io.stdout, `${current}: ${pulled.at(-1)?.path}`);
  }
  if (flags.json) writeJson(io, { models: pulled });
}
