import type { Command } from 'commander';
import { documentPrompt, type PromptChoice, refuseEmptyInputs } from '../../app/options.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { type CliIo, type CommandRunner, writeJson, writeLine } from '../cli-io.js';
import { addEngineOptions, configFromFlags, createRagForCli, type EngineFlags } from '../engine-options.js';

interface EmbedFlags extends EngineFlags {
  promptName?: string;
  prompt?: string;
  title?: string;
}

export function registerEmbed(program: Command, io: CliIo, run: CommandRunner) {
  const command = program
    .command('embed')
    .description('embed texts; no prompt is added unless you choose one (as sentence-transformers does)')
    .argument('<text...>', 'one or more texts')
    .option('--prompt-name <name>', 'a named task prompt, e.g. query, document, Classification (see gemma-rag prompts)')
    .option('--prompt <string>', 'a literal prompt prefix, e.g. "task: search result | query: "')
    .option('--title <title>', 'embed as a document with this title: "title: {title} | text: "');
  addEngineOptions(command);
  command.action((texts: string[], flags: EmbedFlags) => run(() => embed(io, texts, flags), flags.json ?? false));
}

function promptChoice(flags: EmbedFlags): PromptChoice {
  const chosen = [flags.promptName, flags.prompt, flags.title].filter((value) => value !== undefined);
  if (chosen.length > 1) {
    throw new GemmaRagError(errorCodes.invalidArgument, 'Choose one of --prompt-name, --prompt and --title.');
  }
  if (flags.promptName !== undefined) return { kind: 'named', name: flags.promptName };
  if (flags.prompt !== undefined) return { kind: 'custom', prefix: flags.prompt };
  if (flags.title !== undefined) return documentPrompt(flags.title);
  return { kind: 'none' };
}

async function embed(io: CliIo, texts: string[], flags: EmbedFlags): Promise<void> {
  const prompt = promptChoice(flags);
  // Before a model loads: the Embedder would refuse them too, only later.
  refuseEmptyInputs(texts);
  await using rag = await createRagForCli(io, configFromFlags(flags), flags);
  const { prefix, vectors: embeddings } = await rag.embed(texts, prompt);
  if (flags.json) {
    writeJson(io, {
      engine: rag.embedder.model.label,
      model: rag.embedder.model.modelId,
      dimensions: rag.embedder.dimensions,
      prompt: prefix,
      embeddings: embeddings.map((vector) => Array.from(vector)),
    });
    return;
  }
  writeLine(
    io.stderr,
    `engine: ${rag.embedder.model.label}, dimensions: ${rag.embedder.dimensions}, prompt: ${JSON.stringify(prefix)}`,
  );
  for (const [index, vector] of embeddings.entries()) {
    const preview = Array.from(vector.subarray(0, 6), (value) => value.toFixed(4)).join(', ');
    writeLine(io.stdout, `${index + 1}. [${preview}, …] (${vector.length} values)`);
  }
}
