import { resolve } from 'node:path';
import type { Command } from 'commander';
import { displayLocation, parseGivenTags, parseOcrLanguages, supportedExtensions } from '../../app/options.js';
import { countOf } from '../../presentation/plural.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { type CliIo, type CommandRunner, writeJson, writeJsonLine, writeLine } from '../cli-io.js';
import { addEngineOptions, configFromFlags, createRagForCli, type EngineFlags } from '../engine-options.js';
import { dbOptionDescription, writableLocation } from '../knowledge-base-option.js';
import { collectValues, parsePositiveInteger } from '../parse-flags.js';
import { addParseLimitOptions, type ParseLimitFlags, parseLimitsFromFlags } from '../parse-limit-options.js';
import { stageProgress } from '../progress.js';
import { watchForCli } from '../watch-output.js';
import { commandWriteLockWait } from '../write-lock-wait.js';

interface IngestFlags extends EngineFlags, ParseLimitFlags {
  db?: string;
  category?: string;
  tag?: string[];
  prune?: boolean;
  chunkTokens?: string;
  chunkOverlap?: string;
  followSymlinks?: boolean;
  followSymlinksAnywhere?: boolean;
  maxFileSize: string;
  ocrLanguages?: string;
  watch?: boolean;
}

export function registerIngest(program: Command, io: CliIo, run: CommandRunner, untilStopped: () => Promise<void>) {
  const command = program
    .command('ingest')
    .description('add or update documents in a knowledge base; only new or changed files are embedded')
    .argument('<paths...>', `files or folders (folder = category): ${supportedExtensions.join(' ')}`)
    .option('--db <location>', `${dbOptionDescription}; created if missing`)
    .option('--category <name>', 'put every document of this run in this category')
    .option(
      '--tag <tag>',
      'tag every document of this run, after its own tags (front matter or a JSON "tags" field); repeatable',
      collectValues,
    )
    .option('--prune', 'remove stored documents under these paths whose files are gone')
    .option('--chunk-tokens <n>', 'preferred chunk size in tokens (default 512)')
    .option('--chunk-overlap <n>', 'tokens shared by neighbouring chunks (default 64)')
    .option(
      '--follow-symlinks',
      'follow symbolic links to files and folders inside the paths given (loops are detected)',
    )
    .option('--follow-symlinks-anywhere', 'follow symbolic links wherever they point, even outside the paths given')
    .option('--max-file-size <MB>', 'skip files larger than this', '20')
    .option('--watch', 'after ingesting, keep following the paths: added, changed, renamed and deleted files')
    .option(
      '--ocr-languages <codes>',
      'tesseract languages for scanned PDF pages, e.g. eng+chi_sim+jpn (default: from the document)',
    );
  addParseLimitOptions(command);
  addEngineOptions(command);
  command.action((paths: string[], flags: IngestFlags) =>
    run(() => ingest(io, paths, flags, untilStopped), flags.json ?? false),
  );
}

async function ingest(
  io: CliIo,
  paths: string[],
  flags: IngestFlags,
  untilStopped: () => Promise<void>,
): Promise<void> {
  const maxFileMegabytes = Number(flags.maxFileSize);
  if (!Number.isFinite(maxFileMegabytes) || maxFileMegabytes <= 0) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `--max-file-size must be a positive number of megabytes; got "${flags.maxFileSize}".`,
    );
  }
  if (flags.category !== undefined && flags.category.trim() === '') {
    throw new GemmaRagError(errorCodes.invalidArgument, '--category must not be empty.');
  }
  const tags = parseGivenTags(flags.tag ?? [], '--tag');
  const chunking = {
    targetTokens:
      flags.chunkTokens === undefined ? undefined : parsePositiveInteger(flags.chunkTokens, '--chunk-tokens'),
    overlapTokens: flags.chunkOverlap === undefined ? undefined : parseNonNegativeInteger(flags.chunkOverlap),
  };
  const config = configFromFlags(flags);
  const location = writableLocation(io, flags);
  const roots = paths.map((path) => resolve(path));
  const load = {
    followSymlinks: flags.followSymlinks ?? false,
    followSymlinksAnywhere: flags.followSymlinksAnywhere ?? false,
    maxFileBytes: Math.round(maxFileMegabytes * 1024 * 1024),
    limits: parseLimitsFromFlags(flags),
    ocr: { languages: flags.ocrLanguages === undefined ? undefined : parseOcrLanguages(flags.ocrLanguages) },
  };
  await using rag = await createRagForCli(io, config, flags);
  await using store = await rag.openForWriting(location, {
    create: true,
    writeLockWait: commandWriteLockWait(io, displayLocation(location)),
  });
  const progress = stageProgress(
    io,
    { embedding: 'Embedding documents', indexing: 'Building search graph' },
    { enabled: !flags.json },
  );
  const report = await rag
    .ingestFiles(store, {
      source: { paths: roots },
      load,
      category: flags.category,
      chunking,
      tags,
      pruneUnder: flags.prune ? roots : undefined,
      onProgress: (stage) => progress.update(stage),
    })
    .finally(() => progress.stop());
  const result = {
    added: report.added,
    updated: report.updated,
    unchanged: report.unchanged,
    removed: report.removed,
    skipped: report.skipped,
  };
  if (flags.json) {
    // With --watch, one line per JSON value, so the change lines that follow can be read as JSON Lines.
    const summary = { ...result, chunksEmbedded: report.chunksEmbedded, db: store.location };
    if (flags.watch) writeJsonLine(io.stdout, summary);
    else writeJson(io, summary);
  } else {
    writeLine(
      io.stdout,
      `${store.location}: added ${result.added}, updated ${result.updated}, unchanged ${result.unchanged}, removed ${result.removed}, skipped ${result.skipped.length} (${countOf(report.chunksEmbedded, 'chunk')} embedded)`,
    );
    for (const skipped of result.skipped) writeLine(io.stdout, `  skipped ${skipped.path}: ${skipped.reason}`);
  }
  if (flags.watch) {
    const watch = await watchForCli(io, {
      roots,
      rag,
      store,
      json: flags.json ?? false,
      load,
      category: flags.category,
      chunking,
      tags,
    });
    await untilStopped();
    await watch.close();
  }
}

function parseNonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `--chunk-overlap must be a whole number of tokens; got "${value}".`,
    );
  }
  return Number(value);
}
