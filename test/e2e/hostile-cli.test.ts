import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { exitCodes } from '../../src/cli/exit-codes.js';
import { SqliteKnowledgeBase } from '../../src/stores/sqlite/sqlite-knowledge-base.js';
import { docxBomb, pdfBomb } from '../fixtures/bombs.js';
import { type HostileFiles, writeHostileFiles } from '../fixtures/hostile-files.js';
import { type CliRun, runCli } from '../fixtures/run-cli.js';

// Hostile input to every command, one row per input: each ends in a documented exit code
// with a message naming the input, or in a sane result — never a stack trace, an
// "unexpected error", a hang or a crash. The populated knowledge base the read-only rows
// use must come out intact and unchanged.

interface Fixture {
  files: HostileFiles;
  /** A knowledge base ingested from the bundled example. */
  db: string;
  /** A fresh database path per row that writes. */
  scratch: () => string;
  busyPort: number;
  /** Folders holding one bomb (written here, by the test) and one ordinary note. */
  bombs: { zip: string; text: string; pdf: string };
  /** A named pipe (FIFO), made with mkfifo. */
  fifo: string;
  /** A folder and a knowledge base made from it whose file name, title and text carry terminal escapes. */
  escapes: { folder: string; db: string };
}

interface CliCase {
  name: string;
  argv: (fixture: Fixture) => string[];
  exit: number;
  /** What the error message must name (the input), for rows that fail. */
  names?: (fixture: Fixture) => string | RegExp;
  /** Checks on the output of rows that succeed. */
  check?: (run: CliRun, fixture: Fixture) => void;
}

const lexical = ['--engine', 'lexical'];
const bad = exitCodes.badInput;
const skippedReasons = (run: CliRun) =>
  (run.json() as { skipped: Array<{ path: string; reason: string }> }).skipped.map((item) => item.reason);
const ingested = (run: CliRun) => run.json() as { added: number; skipped: Array<{ path: string; reason: string }> };

/** Characters a terminal acts on instead of printing (C0 but tab and newline, DEL, C1). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const terminalControls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const escapeFree = (run: CliRun) => {
  assert.doesNotMatch(run.stdout, terminalControls, `stdout: ${JSON.stringify(run.stdout.slice(0, 500))}`);
  assert.doesNotMatch(run.stderr, terminalControls, `stderr: ${JSON.stringify(run.stderr.slice(0, 500))}`);
};

/** Databases that are not knowledge bases, each named in the message refusing it. */
const brokenDatabases: Array<[description: string, path: (fixture: Fixture) => string]> = [
  ['a missing database', (f) => f.files.missing],
  ['a folder as database', (f) => f.files.folder],
  ['a truncated database', (f) => f.files.databases.truncated],
  ['a text file as database', (f) => f.files.databases.text],
  ['an empty file as database', (f) => f.files.databases.empty],
  ['random bytes as database', (f) => f.files.databases.binary],
  ["another program's SQLite database", (f) => f.files.databases.foreign],
];

function brokenDatabaseRows(command: string, argv: (db: string) => string[]): CliCase[] {
  return brokenDatabases.map(([description, path]) => ({
    name: `${command}: ${description}`,
    argv: (f) => argv(path(f)),
    exit: bad,
    names: path,
  }));
}

const cases: CliCase[] = [
  // ---- ask: questions
  {
    name: 'ask: empty question',
    argv: (f) => ['ask', '', '--db', f.db, ...lexical],
    exit: bad,
    names: () => /question/i,
  },
  {
    name: 'ask: whitespace question',
    argv: (f) => ['ask', ' \t\n ', '--db', f.db, ...lexical],
    exit: bad,
    names: () => /question/i,
  },
  {
    name: 'ask: a 100,000-character question',
    argv: (f) => ['ask', 'why '.repeat(25_000), '--db', f.db, ...lexical],
    exit: bad,
    names: () => /tokens long/,
  },
  {
    name: 'ask: control characters and a lone surrogate',
    argv: (f) => [
      'ask',
      'pass\u0000word \u001b[31m reset\u0007 \ud800?',
      '--db',
      f.db,
      ...lexical,
      '--no-generate',
      '--json',
    ],
    exit: 0,
    check: (run) => assert.equal(typeof (run.json() as { refused: unknown }).refused, 'boolean'),
  },
  {
    name: 'ask: a question that is only emoji and symbols',
    argv: (f) => ['ask', '😀🔥💯 ¿¡ ∑∫', '--db', f.db, ...lexical, '--json'],
    exit: 0,
  },
  // ---- ask: flags
  {
    name: 'ask: --threshold 7',
    argv: (f) => ['ask', 'x', '--db', f.db, ...lexical, '--threshold', '7'],
    exit: bad,
    names: () => /--threshold/,
  },
  {
    name: 'ask: --threshold abc',
    argv: (f) => ['ask', 'x', '--db', f.db, ...lexical, '--threshold', 'abc'],
    exit: bad,
    names: () => /"abc"/,
  },
  {
    name: 'ask: --threshold NaN',
    argv: (f) => ['ask', 'x', '--db', f.db, ...lexical, '--threshold', 'NaN'],
    exit: bad,
    names: () => /NaN/,
  },
  {
    name: 'ask: --dimensions 0',
    argv: (f) => ['ask', 'x', '--db', f.db, ...lexical, '--dimensions', '0'],
    exit: bad,
    names: () => /dimensions/i,
  },
  {
    name: 'ask: --dimensions 1e9',
    argv: (f) => ['ask', 'x', '--db', f.db, ...lexical, '--dimensions', '1e9'],
    exit: bad,
    names: () => /dimensions/i,
  },
  {
    name: 'ask: --threads -1',
    argv: (f) => ['ask', 'x', '--db', f.db, ...lexical, '--threads', '-1'],
    exit: bad,
    names: () => /--threads/,
  },
  {
    name: 'ask: --threads 0',
    argv: (f) => ['ask', 'x', '--db', f.db, ...lexical, '--threads', '0'],
    exit: bad,
    names: () => /--threads/,
  },
  {
    name: 'ask: --mode sideways',
    argv: (f) => ['ask', 'x', '--db', f.db, ...lexical, '--mode', 'sideways'],
    exit: bad,
  },
  {
    name: 'ask: --category-fallback abc',
    argv: (f) => ['ask', 'x', '--db', f.db, ...lexical, '--category-fallback', 'abc'],
    exit: bad,
    names: () => /--category-fallback/,
  },
  {
    name: 'ask: --category-margin 5',
    argv: (f) => ['ask', 'x', '--db', f.db, ...lexical, '--category-fallback', '2', '--category-margin', '5'],
    exit: bad,
    names: () => /--category-margin/,
  },
  {
    name: 'ask: --relative-cutoff -1',
    argv: (f) => ['ask', 'x', '--db', f.db, ...lexical, '--relative-cutoff', '-1'],
    exit: bad,
    names: () => /--relative-cutoff/,
  },
  { name: 'ask: --engine nonsense', argv: (f) => ['ask', 'x', '--db', f.db, '--engine', 'nonsense'], exit: bad },
  {
    name: 'ask: --db and --kb together',
    argv: (f) => ['ask', 'x', '--db', f.db, '--kb', f.db, ...lexical],
    exit: bad,
    names: () => /--db.*--kb/,
  },
  // ---- ask: databases
  ...brokenDatabaseRows('ask', (db) => ['ask', 'x', '--db', db, ...lexical]),
  {
    name: 'ask: a database from a newer gemma-rag',
    argv: (f) => ['ask', 'x', '--db', f.files.databases.future, ...lexical],
    exit: bad,
    names: () => /newer gemma-rag/,
  },
  // ---- ask: knowledge-base files
  {
    name: 'ask: malformed JSON knowledge base',
    argv: (f) => ['ask', 'x', '--kb', f.files.knowledgeBases.malformed, ...lexical],
    exit: bad,
    names: (f) => f.files.knowledgeBases.malformed,
  },
  {
    name: 'ask: wrong-schema JSON knowledge base',
    argv: (f) => ['ask', 'x', '--kb', f.files.knowledgeBases.wrongSchema, ...lexical],
    exit: bad,
    names: (f) => f.files.knowledgeBases.wrongSchema,
  },
  {
    name: 'ask: binary knowledge base',
    argv: (f) => ['ask', 'x', '--kb', f.files.knowledgeBases.binary, ...lexical],
    exit: bad,
    names: (f) => f.files.knowledgeBases.binary,
  },
  {
    name: 'ask: empty knowledge base file',
    argv: (f) => ['ask', 'x', '--kb', f.files.knowledgeBases.empty, ...lexical],
    exit: bad,
    names: (f) => f.files.knowledgeBases.empty,
  },
  {
    name: 'ask: 50,000-deep nested JSON',
    argv: (f) => ['ask', 'x', '--kb', f.files.knowledgeBases.deeplyNested, ...lexical],
    exit: bad,
    names: (f) => f.files.knowledgeBases.deeplyNested,
  },
  {
    name: 'ask: a folder as knowledge base',
    argv: (f) => ['ask', 'x', '--kb', f.files.folder, ...lexical],
    exit: bad,
    names: (f) => f.files.folder,
  },
  // ---- ask / embed: model files
  {
    name: 'ask: hostile GGUF as embedding model',
    argv: (f) => ['ask', 'x', '--db', f.db, '--embedding-model', f.files.models.hostile],
    exit: exitCodes.modelUnusable,
    names: (f) => f.files.models.hostile,
  },
  {
    name: 'ask: truncated GGUF as embedding model',
    argv: (f) => ['ask', 'x', '--db', f.db, '--embedding-model', f.files.models.truncated],
    exit: exitCodes.modelUnusable,
    names: (f) => f.files.models.truncated,
  },
  {
    name: 'ask: a folder as embedding model',
    argv: (f) => ['ask', 'x', '--db', f.db, '--embedding-model', f.files.folder],
    exit: exitCodes.modelUnusable,
    names: (f) => f.files.folder,
  },
  {
    name: 'embed: noise GGUF as embedding model',
    argv: (f) => ['embed', 'x', '--embedding-model', f.files.models.noise],
    exit: exitCodes.modelUnusable,
    names: (f) => f.files.models.noise,
  },
  // ---- search
  {
    name: 'search: empty query',
    argv: (f) => ['search', '', '--db', f.db, ...lexical],
    exit: bad,
    names: () => /query|question/i,
  },
  {
    name: 'search: --top-k 0',
    argv: (f) => ['search', 'leave', '--db', f.db, ...lexical, '--top-k', '0'],
    exit: bad,
    names: () => /--top-k/,
  },
  {
    name: 'search: --top-k abc',
    argv: (f) => ['search', 'leave', '--db', f.db, ...lexical, '--top-k', 'abc'],
    exit: bad,
    names: () => /--top-k/,
  },
  {
    name: 'search: --top-k 1000000000',
    argv: (f) => ['search', 'leave', '--db', f.db, ...lexical, '--top-k', '1000000000'],
    exit: bad,
    names: () => /--top-k must be at most 100/,
  },
  ...brokenDatabaseRows('search', (db) => ['search', 'leave', '--db', db, ...lexical]),
  // ---- embed
  { name: 'embed: empty text', argv: () => ['embed', '', ...lexical], exit: bad, names: () => /[Ee]mpty/ },
  {
    name: 'embed: 3,000 words',
    argv: () => ['embed', 'word '.repeat(3000), ...lexical],
    exit: bad,
    names: () => /tokens long/,
  },
  {
    name: 'embed: --dimensions abc',
    argv: () => ['embed', 'x', ...lexical, '--dimensions', 'abc'],
    exit: bad,
    names: () => /abc/,
  },
  {
    name: 'embed: --prompt-name ""',
    argv: () => ['embed', 'x', ...lexical, '--prompt-name', ''],
    exit: bad,
    names: () => /prompt/i,
  },
  {
    name: 'embed: --title and --prompt',
    argv: () => ['embed', 'x', ...lexical, '--title', 't', '--prompt', 'p'],
    exit: bad,
    names: () => /--title/,
  },
  // ---- ingest: bombs (each folder also holds an ordinary note, which must still be ingested)
  {
    name: 'ingest: a .docx of ~100 KB whose XML inflates to 70 MiB is skipped by the archive budget',
    argv: (f) => ['ingest', f.bombs.zip, '--db', f.scratch(), ...lexical, '--json'],
    exit: 0,
    check: (run) => {
      assert.equal(ingested(run).added, 1);
      assert.match(skippedReasons(run).join('\n'), /expands to more than 64 MiB \(a zip bomb/);
    },
  },
  {
    name: 'ingest: a .docx whose text is over --max-text is skipped whole, never truncated',
    argv: (f) => ['ingest', f.bombs.text, '--db', f.scratch(), ...lexical, '--json', '--max-text', '100000'],
    exit: 0,
    check: (run) => {
      assert.equal(ingested(run).added, 1);
      assert.match(skippedReasons(run).join('\n'), /over the budget of 100,000 per document/);
    },
  },
  {
    name: 'ingest: a PDF page with 16 MiB of text is stopped at --parse-timeout 1, and ingest moves on',
    argv: (f) => ['ingest', f.bombs.pdf, '--db', f.scratch(), ...lexical, '--json', '--parse-timeout', '1'],
    exit: 0,
    check: (run) => {
      assert.equal(ingested(run).added, 1);
      assert.match(skippedReasons(run).join('\n'), /parsing took longer than 1 s, so it was stopped/);
    },
  },
  {
    name: 'ingest: a PDF page with 16 MiB of text is stopped at --parse-memory 16, and ingest moves on',
    argv: (f) => ['ingest', f.bombs.pdf, '--db', f.scratch(), ...lexical, '--json', '--parse-memory', '16'],
    exit: 0,
    check: (run) => {
      assert.equal(ingested(run).added, 1);
      assert.match(skippedReasons(run).join('\n'), /parsing needed more than 16 MiB of memory, so it was stopped/);
    },
  },
  {
    name: 'ingest: --parse-timeout 0',
    argv: (f) => ['ingest', f.bombs.pdf, '--db', f.scratch(), ...lexical, '--parse-timeout', '0'],
    exit: bad,
    names: () => /--parse-timeout/,
  },
  // ---- terminal escapes in file names, titles and text: printed without them
  {
    name: 'ingest: file names with terminal escapes, in the report and the skipped list',
    argv: (f) => ['ingest', f.escapes.folder, '--db', f.scratch(), ...lexical],
    exit: 0,
    check: escapeFree,
  },
  {
    name: 'kb list: titles with terminal escapes',
    argv: (f) => ['kb', 'list', '--db', f.escapes.db],
    exit: 0,
    check: (run) => {
      escapeFree(run);
      assert.match(run.stdout, /VPN/);
    },
  },
  {
    name: 'search: text with terminal escapes',
    argv: (f) => ['search', 'VPN gateway', '--db', f.escapes.db, ...lexical],
    exit: 0,
    check: (run) => {
      escapeFree(run);
      assert.match(run.stdout, /VPN/);
    },
  },
  {
    name: 'ask --no-generate: an answer with terminal escapes',
    argv: (f) => [
      'ask',
      'What is the VPN gateway?',
      '--db',
      f.escapes.db,
      ...lexical,
      '--no-generate',
      '--threshold',
      '0',
    ],
    exit: 0,
    check: escapeFree,
  },
  {
    name: 'an unknown option with terminal escapes',
    argv: () => ['ask', '--\u001b[2Jx'],
    exit: bad,
    check: escapeFree,
  },
  // ---- ingest: flags and targets
  {
    name: 'ingest: --db is a named pipe',
    argv: (f) => ['ingest', f.files.documents.deepHtml, '--db', f.fifo, ...lexical],
    exit: bad,
    names: (f) => new RegExp(`${f.fifo}.*it is a named pipe \\(FIFO\\), not a file`),
  },
  {
    name: 'ingest: --db /dev/null',
    argv: (f) => ['ingest', f.files.documents.deepHtml, '--db', '/dev/null', ...lexical],
    exit: bad,
    names: () => /\/dev\/null.*it is a device, not a file/,
  },
  {
    name: 'ask: --db is a named pipe',
    argv: (f) => ['ask', 'leave?', '--db', f.fifo, ...lexical],
    exit: bad,
    names: (f) => new RegExp(`${f.fifo}.*it is a named pipe \\(FIFO\\), not a file`),
  },
  {
    name: 'ingest: a path that does not exist',
    argv: (f) => ['ingest', f.files.missing, '--db', f.scratch(), ...lexical],
    exit: bad,
    names: (f) => f.files.missing,
  },
  {
    name: 'ingest: --db is a folder',
    argv: (f) => ['ingest', f.files.documents.deepHtml, '--db', f.files.folder, ...lexical],
    exit: bad,
    names: (f) => f.files.folder,
  },
  {
    name: 'ingest: --db is a text file',
    argv: (f) => ['ingest', f.files.documents.deepHtml, '--db', f.files.databases.text, ...lexical],
    exit: bad,
    names: (f) => f.files.databases.text,
  },
  {
    name: "ingest: --db is another program's database",
    argv: (f) => ['ingest', f.files.documents.deepHtml, '--db', f.files.databases.foreign, ...lexical],
    exit: bad,
    names: (f) => f.files.databases.foreign,
  },
  {
    name: 'ingest: --chunk-tokens 0',
    argv: (f) => ['ingest', f.files.documents.deepHtml, '--db', f.scratch(), ...lexical, '--chunk-tokens', '0'],
    exit: bad,
    names: () => /--chunk-tokens/,
  },
  {
    name: 'ingest: --chunk-tokens 1e9',
    argv: (f) => ['ingest', f.files.documents.deepHtml, '--db', f.scratch(), ...lexical, '--chunk-tokens', '1e9'],
    exit: bad,
    names: () => /--chunk-tokens/,
  },
  {
    name: 'ingest: --chunk-overlap -1',
    argv: (f) => ['ingest', f.files.documents.deepHtml, '--db', f.scratch(), ...lexical, '--chunk-overlap', '-1'],
    exit: bad,
    names: () => /--chunk-overlap/,
  },
  {
    name: 'ingest: --max-file-size abc',
    argv: (f) => ['ingest', f.files.documents.deepHtml, '--db', f.scratch(), ...lexical, '--max-file-size', 'abc'],
    exit: bad,
    names: () => /--max-file-size/,
  },
  {
    name: 'ingest: --category of spaces',
    argv: (f) => ['ingest', f.files.documents.deepHtml, '--db', f.scratch(), ...lexical, '--category', '   '],
    exit: bad,
    names: () => /--category/,
  },
  // ---- ingest: pathological documents
  {
    name: 'ingest: HTML nested 20,000 deep is skipped with the reason, its neighbour ingested',
    argv: (f) => ['ingest', f.files.documents.deepHtml, '--db', f.scratch(), ...lexical, '--json'],
    exit: 0,
    check: (run) => {
      assert.equal(ingested(run).added, 1);
      assert.ok(skippedReasons(run).some((reason) => /nested more than 512/.test(reason)));
    },
  },
  {
    name: 'ingest: 300,000 characters without a space, and 100,000 CJK characters without punctuation',
    argv: (f) => ['ingest', f.files.documents.longLine, '--db', f.scratch(), ...lexical, '--json'],
    exit: 0,
    check: (run) => assert.equal(ingested(run).added, 2),
  },
  {
    name: 'ingest: invalid, nested, executable and object front matter',
    argv: (f) => ['ingest', f.files.documents.badFrontMatter, '--db', f.scratch(), ...lexical, '--json'],
    exit: 0,
    check: (run) => assert.equal(ingested(run).added + skippedReasons(run).length, 4),
  },
  {
    name: 'ingest: a file name with a newline and a carriage return',
    argv: (f) => ['ingest', f.files.documents.newlineName, '--db', f.scratch(), ...lexical, '--json'],
    exit: 0,
    check: (run) => assert.equal(ingested(run).added, 1),
  },
  {
    name: 'ingest: a file sixty folders deep',
    argv: (f) => ['ingest', f.files.documents.deepFolders, '--db', f.scratch(), ...lexical, '--json'],
    exit: 0,
    check: (run) => assert.equal(ingested(run).added, 1),
  },
  {
    name: 'ingest: 300 empty files and one of whitespace',
    argv: (f) => ['ingest', f.files.documents.emptyFiles, '--db', f.scratch(), ...lexical, '--json'],
    exit: 0,
    check: (run) => {
      assert.equal(ingested(run).added, 0);
      assert.equal(skippedReasons(run).length, 301);
    },
  },
  {
    name: 'ingest: binary, Latin-1, fake PDF and control characters',
    argv: (f) => ['ingest', f.files.documents.binaryAndBadText, '--db', f.scratch(), ...lexical, '--json'],
    exit: 0,
    check: (run) => {
      assert.equal(ingested(run).added, 1, 'the text with control characters is still text');
      assert.equal(skippedReasons(run).length, 3);
    },
  },
  {
    name: 'ingest: a 5,000-word title',
    argv: (f) => ['ingest', f.files.documents.hugeTitle, '--db', f.scratch(), ...lexical, '--json'],
    exit: 0,
    check: (run) => assert.equal(ingested(run).added + skippedReasons(run).length, 1),
  },
  {
    name: 'ingest: broken JSON and JSONL records',
    argv: (f) => ['ingest', f.files.documents.badRecords, '--db', f.scratch(), ...lexical, '--json'],
    exit: 0,
    check: (run) => {
      assert.equal(ingested(run).added, 1);
      assert.ok(skippedReasons(run).length >= 4);
    },
  },
  {
    name: 'ingest: a named pipe among the files',
    argv: (f) => ['ingest', f.files.documents.namedPipe, '--db', f.scratch(), ...lexical, '--json'],
    exit: 0,
    check: (run) => assert.equal(ingested(run).added, 1),
  },
  // ---- kb
  ...brokenDatabaseRows('kb list', (db) => ['kb', 'list', '--db', db]),
  ...brokenDatabaseRows('kb show', (db) => ['kb', 'show', '--db', db, '--title', 'x']),
  {
    name: 'kb show: an unknown title',
    argv: (f) => ['kb', 'show', '--db', f.db, '--title', 'No such title'],
    exit: bad,
    names: () => /No such title/,
  },
  {
    name: 'kb show: an empty title',
    argv: (f) => ['kb', 'show', '--db', f.db, '--title', ''],
    exit: bad,
    names: () => /title/,
  },
  {
    name: 'kb rm: nothing to select by',
    argv: (f) => ['kb', 'rm', '--db', f.db],
    exit: bad,
    names: () => /--title|--category/,
  },
  {
    name: 'kb rm: an unknown title',
    argv: (f) => ['kb', 'rm', '--db', f.db, '--title', 'No such title'],
    exit: bad,
    names: () => /No such title/,
  },
  {
    name: 'kb rm: an unknown category',
    argv: (f) => ['kb', 'rm', '--db', f.db, '--category', 'No such category'],
    exit: bad,
    names: () => /No such category/,
  },
  // ---- serve
  {
    name: 'serve: --port abc',
    argv: (f) => ['serve', '--db', f.db, ...lexical, '--port', 'abc'],
    exit: bad,
    names: () => /--port/,
  },
  {
    name: 'serve: --port 99999',
    argv: (f) => ['serve', '--db', f.db, ...lexical, '--port', '99999'],
    exit: bad,
    names: () => /--port/,
  },
  {
    name: 'serve: --max-body 0',
    argv: (f) => ['serve', '--db', f.db, ...lexical, '--max-body', '0'],
    exit: bad,
    names: () => /--max-body/,
  },
  {
    name: 'serve: --max-inputs abc',
    argv: (f) => ['serve', '--db', f.db, ...lexical, '--max-inputs', 'abc'],
    exit: bad,
    names: () => /--max-inputs/,
  },
  {
    name: 'serve: --threshold 2',
    argv: (f) => ['serve', '--db', f.db, ...lexical, '--threshold', '2'],
    exit: bad,
    names: () => /--threshold/,
  },
  ...brokenDatabaseRows('serve', (db) => ['serve', '--db', db, ...lexical, '--port', '0']),
  {
    name: 'serve: --max-uploads 0',
    argv: (f) => ['serve', '--db', f.db, ...lexical, '--max-uploads', '0', '--port', '0'],
    exit: bad,
    names: () => /--max-uploads/,
  },
  {
    name: 'serve: an address that is not one',
    argv: (f) => ['serve', '--db', f.db, ...lexical, '--host', '256.300.1.1', '--port', '0'],
    exit: bad,
    names: () => /256\.300\.1\.1/,
  },
  {
    name: 'serve: a port already in use',
    argv: (f) => ['serve', '--db', f.db, ...lexical, '--host', '127.0.0.1', '--port', String(f.busyPort)],
    exit: bad,
    names: (f) => String(f.busyPort),
  },
];

let fixture: Fixture;
let root: string;
let busy: ReturnType<typeof createServer>;
let before_: { documents: unknown; integrity: string };
let hostileBytes: Record<string, Buffer>;

async function writeEscapes({ folder, db }: Fixture['escapes']): Promise<void> {
  await mkdir(join(folder, 'Notes'), { recursive: true });
  await writeFile(
    join(folder, 'Notes', 'vpn\u001b]0;PWNED\u0007.md'),
    '# VPN \u001b[2J setup \u009b31m\n\nThe VPN \u001b[31mgateway\u001b[0m is vpn.example.com.\r\n',
  );
  await writeFile(join(folder, 'Notes', 'bad\u001b[2J.xyz'), 'unsupported');
  const seeded = await runCli(['ingest', folder, '--db', db, ...lexical]);
  assert.equal(seeded.exitCode, 0, seeded.stderr);
}

async function writeBombs(folder: string): Promise<Fixture['bombs']> {
  const bombs = {
    zip: ['report.docx', docxBomb(70 * 1024 * 1024)],
    text: ['report.docx', docxBomb(1024 * 1024)],
    pdf: ['report.pdf', pdfBomb(16 * 1024 * 1024)],
  } as const;
  const folders = { zip: join(folder, 'zip'), text: join(folder, 'text'), pdf: join(folder, 'pdf') };
  for (const [kind, [name, bytes]] of Object.entries(bombs) as Array<
    [keyof typeof bombs, readonly [string, Uint8Array]]
  >) {
    await mkdir(folders[kind], { recursive: true });
    await writeFile(join(folders[kind], name), bytes);
    await writeFile(join(folders[kind], 'note.md'), '# Leave\nAnnual leave is 25 days.\n');
  }
  return folders;
}

async function snapshot(db: string) {
  const store = await SqliteKnowledgeBase.open(db);
  try {
    return { documents: await store.listDocuments(), integrity: (await store.checkIntegrity()).integrityCheck };
  } finally {
    await store.close();
  }
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'gemma-rag-hostile-'));
  const db = join(root, 'populated.db');
  const seeded = await runCli(['ingest', 'examples/knowledge-base.json', '--db', db, ...lexical, '--json']);
  assert.equal(seeded.exitCode, 0, seeded.stderr);
  let scratchCount = 0;
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const address = busy.address();
  fixture = {
    files: await writeHostileFiles(join(root, 'files'), db),
    db,
    scratch: () => join(root, `scratch-${++scratchCount}.db`),
    busyPort: typeof address === 'object' && address ? address.port : 0,
    bombs: { zip: '', text: '', pdf: '' },
    fifo: join(root, 'pipe.db'),
    escapes: { folder: join(root, 'escapes'), db: join(root, 'escapes.db') },
  };
  await writeEscapes(fixture.escapes);
  assert.equal(spawnSync('mkfifo', [fixture.fifo]).status, 0, 'mkfifo');
  fixture.bombs = await writeBombs(join(root, 'bombs'));
  before_ = await snapshot(db);
  hostileBytes = Object.fromEntries(
    await Promise.all(
      Object.entries(fixture.files.databases).map(async ([name, path]) => [name, await readFile(path)] as const),
    ),
  );
});

after(async () => {
  await new Promise((resolve) => busy?.close(resolve));
  await rm(root, { recursive: true, force: true });
});

const hangGuardMs = 60_000;
const timings: Array<[string, number]> = [];

for (const row of cases) {
  test(`hostile CLI input — ${row.name}`, async () => {
    const argv = row.argv(fixture);
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const run = await Promise.race([
      runCli(argv),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`hung for ${hangGuardMs / 1000} s`)), hangGuardMs);
      }),
    ]).finally(() => clearTimeout(timer));
    timings.push([row.name, performance.now() - started]);
    const output = `exit ${run.exitCode}\nstderr: ${run.stderr}\nstdout: ${run.stdout.slice(0, 2000)}`;
    assert.doesNotMatch(run.stderr, /unexpected error/i, output);
    assert.doesNotMatch(`${run.stderr}\n${run.stdout}`, /^\s+at .+:\d+:\d+\)?$/m, `a stack trace:\n${output}`);
    assert.equal(run.exitCode, row.exit, output);
    if (row.names) {
      const named = row.names(fixture);
      if (typeof named === 'string') assert.ok(run.stderr.includes(named), `the message names ${named}:\n${output}`);
      else assert.match(run.stderr, named, output);
    }
    row.check?.(run, fixture);
  });
}

test('hostile CLI input: at least 60 rows; the populated knowledge base is intact and unchanged, the broken ones untouched', async () => {
  assert.ok(cases.length >= 60, `${cases.length} rows`);
  const after_ = await snapshot(fixture.db);
  assert.equal(after_.integrity, 'ok');
  assert.deepEqual(after_.documents, before_.documents);
  for (const [name, path] of Object.entries(fixture.files.databases)) {
    assert.deepEqual(await readFile(path), hostileBytes[name], `${name} database left as it was`);
  }
  const slowest = [...timings].sort((left, right) => right[1] - left[1]).slice(0, 5);
  console.log(
    `${cases.length} hostile CLI rows; slowest: ${slowest.map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`).join('; ')}`,
  );
});

test("ingest waits for another process's write lock, says so, and finishes when it is released", async () => {
  const db = fixture.scratch();
  const first = await runCli(['ingest', fixture.bombs.text, '--db', db, ...lexical, '--max-text', '100000']);
  assert.equal(first.exitCode, 0, first.stderr);
  const folder = join(root, 'after-lock');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'later.md'), '# Later\nWritten after the lock was released.\n');
  const holder = new BetterSqlite3(db);
  holder.exec('BEGIN IMMEDIATE');
  const release = setTimeout(() => {
    holder.exec('ROLLBACK');
    holder.close();
  }, 4000);
  try {
    const run = await runCli(['ingest', folder, '--db', db, ...lexical, '--json']);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stderr, /Waiting for another process to finish writing to /);
    assert.equal(ingested(run).added, 1);
  } finally {
    clearTimeout(release);
    if (holder.open) {
      holder.exec('ROLLBACK');
      holder.close();
    }
  }
});
