import { type Command, Option } from 'commander';
import { type ModelProfileId, modelProfiles } from '../../app/options.js';
import { type CliIo, type CommandRunner, writeJson, writeLine } from '../cli-io.js';

interface PromptsFlags {
  modelProfile: ModelProfileId;
  all?: boolean;
  json?: boolean;
}

export function registerPrompts(program: Command, io: CliIo, run: CommandRunner) {
  program
    .command('prompts')
    .description("list a model's named task prompts")
    .addOption(
      new Option('--model-profile <profile>', 'model family')
        .choices(Object.keys(modelProfiles))
        .default('embeddinggemma'),
    )
    .option('--all', 'also list the prompts the model card documents without a name')
    .option('--json', 'print { "<name>": "<prefix>" }')
    .action((flags: PromptsFlags) =>
      run(async () => {
        const profile = modelProfiles[flags.modelProfile];
        const prompts = flags.all ? { ...profile.prompts, ...profile.extraPrompts } : profile.prompts;
        if (flags.json) {
          writeJson(io, prompts);
          return;
        }
        writeLine(io.stdout, `${profile.displayName}:`);
        const width = Math.max(...Object.keys(prompts).map((name) => name.length));
        for (const [name, prefix] of Object.entries(prompts))
          writeLine(io.stdout, `  ${name.padEnd(width)}  ${JSON.stringify(prefix)}`);
      }, flags.json ?? false),
    );
}
