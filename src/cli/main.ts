import { Command, CommanderError } from 'commander';
import { type CliIo, type CommandRunner, processIo, writeText } from './cli-io.js';
import { registerAsk } from './commands/ask.js';
import { registerCalibrate } from './commands/calibrate.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEmbed } from './commands/embed.js';
import { registerEval } from './commands/eval.js';
import { registerIngest } from './commands/ingest.js';
import { registerKb } from './commands/kb.js';
import { registerPrompts } from './commands/prompts.js';
import { registerPull } from './commands/pull.js';
import { registerReindex } from './commands/reindex.js';
import { registerSearch } from './commands/search.js';
import { registerServe } from './commands/serve.js';
import { exitCodes } from './exit-codes.js';
import { reportError } from './report-error.js';

/** Runs the CLI and returns the exit code; never calls process.exit, so tests can run it in-process. */
/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

export async function main(
  argv: readonly string[],
  io: CliIo = processIo(),
  untilStopped: () => Promise<void> = untilSignalled,
): Promise<number> {
  let exitCode: number = exitCodes.success;
  const run: CommandRunner = async (action, json) => {
    try {
      const code = await action();
      if (typeof code === 'number') exitCode = code;
    } catch (error) {
      exitCode = reportError(io, error, json);
    }
  };
  const program = new Command('gemma-rag')
    .description('Private, offline question answering over your own knowledge base with EmbeddingGemma and Gemma')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => writeText(io.stdout, text),
      writeErr: (text) => writeText(io.stderr, text),
    })
    .showHelpAfterError('(run with --help for usage)');
  for (const register of [
    registerAsk,
    registerSearch,
    registerKb,
    registerReindex,
    registerEmbed,
    registerPrompts,
    registerPull,
    registerEval,
    registerCalibrate,
    registerDoctor,
  ]) {
    register(program, io, run);
  }
  registerIngest(program, io, run, untilStopped);
  registerServe(program, io, run, untilStopped);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; every other parse failure is bad usage.
      return error.exitCode === 0 ? exitCodes.success : exitCodes.badInput;
    }
    return reportError(io, error, false);
  }
  return exitCode;
}
