import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { z } from 'zod';
import { chooseKnowledgeSource, databaseSource, type KnowledgeSource } from '../app/knowledge-source.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { lineAndColumn } from '../util/parse-json.js';
import { parseWithCode } from '../util/validation.js';
import { checkKnowledgeBaseNames, defaultKnowledgeBaseName } from './knowledge-base-name.js';
import { refuseUnreachableKnowledgeBases } from './knowledge-base-scope.js';

/** A knowledge base `serve` is asked to serve, before anything is opened. */
export interface KnowledgeBaseToServe {
  name: string;
  source: KnowledgeSource;
  keys: string[];
  /** Where it was named, for messages: `--db team.db`, `serve.json knowledgeBases[1]`. */
  origin: string;
}

export interface ServeSelectionFlags {
  db: string[];
  kb?: string;
  config?: string;
  dbKey: string[];
  /** `--api-key`: the admin key, which wins over the config file's and GEMMA_RAG_API_KEY. */
  apiKey?: string | undefined;
}

/** What `serve` will serve and the admin key, all checked before any model loads. */
export interface ServePlan {
  knowledgeBases: KnowledgeBaseToServe[];
  apiKey: string | undefined;
}

/**
 * The serve plan: the knowledge bases (below), and the admin key from `--api-key`, the config
 * file's `adminKeyEnv` or GEMMA_RAG_API_KEY; refused when a knowledge base would be reachable
 * by nobody. Everything here fails before a model loads.
 */
export async function planServing(environment: NodeJS.ProcessEnv, flags: ServeSelectionFlags): Promise<ServePlan> {
  const { knowledgeBases, adminKeyEnv } = await knowledgeBasesToServe(environment, flags);
  const apiKey =
    flags.apiKey ??
    (adminKeyEnv !== undefined
      ? readKeyVariable(environment, adminKeyEnv, `${flags.config} adminKeyEnv`)
      : environment.GEMMA_RAG_API_KEY);
  refuseUnreachableKnowledgeBases(knowledgeBases, apiKey);
  return { knowledgeBases, apiKey };
}

/** One name or several: `"TEAM_KEY"` or `["TEAM_KEY", "TEAM_KEY_NEXT"]` (a second key while rotating). */
const oneOrMore = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** `serve --config FILE` (JSON with comments): the knowledge bases, their names and keys. */
export const serveConfigSchema = z
  .object({
    /** The environment variable holding the admin key (opens every knowledge base); `--api-key` wins. */
    adminKeyEnv: z.string().min(1).optional(),
    knowledgeBases: z
      .array(
        z
          .object({
            /** Default: from `db` (the file's name, the PostgreSQL schema or database). */
            name: z.string().optional(),
            /** A SQLite file (relative to the config file) or postgres://… */
            db: z.string().min(1),
            /** Environment variables holding this knowledge base's keys: secrets stay out of the file. */
            keyEnv: oneOrMore.optional(),
            /** Keys written in the file itself (keep the file private). */
            key: oneOrMore.optional(),
          })
          .strict(),
      )
      .min(1, 'list at least one knowledge base'),
  })
  .strict();

/**
 * What to serve, from `--config`, or `--db` (repeatable) with `--db-key name=ENV`, or the one
 * knowledge base every other command would use. Names are checked (valid, unique) and key
 * variables read before any model is loaded.
 */
async function knowledgeBasesToServe(
  environment: NodeJS.ProcessEnv,
  flags: ServeSelectionFlags,
): Promise<{ knowledgeBases: KnowledgeBaseToServe[]; adminKeyEnv?: string }> {
  if (flags.config !== undefined) {
    if (flags.db.length > 0 || flags.kb !== undefined || flags.dbKey.length > 0) {
      throw new GemmaRagError(
        errorCodes.invalidArgument,
        'Use --config alone, or --db (with --db-key), not both: the config file lists the knowledge bases.',
      );
    }
    return readServeConfig(environment, flags.config);
  }
  const knowledgeBases =
    flags.db.length > 1
      ? flags.db.map((db) => {
          const source = databaseSource(db);
          return {
            name: nameFor(source, `--db ${source.display}`),
            source,
            keys: [],
            origin: `--db ${source.display}`,
          };
        })
      : [await onlyKnowledgeBase(environment, flags)];
  checkKnowledgeBaseNames(knowledgeBases, ({ origin }) => origin);
  for (const assignment of flags.dbKey) {
    const match = /^([^=]+)=(.+)$/.exec(assignment);
    if (!match) {
      throw new GemmaRagError(
        errorCodes.invalidArgument,
        `--db-key ${assignment}: expected NAME=ENV_VAR (the knowledge base's name and the environment variable holding its key).`,
      );
    }
    const [, name = '', variable = ''] = match;
    const target = knowledgeBases.find((knowledgeBase) => knowledgeBase.name === name);
    if (!target) {
      throw new GemmaRagError(
        errorCodes.invalidArgument,
        `--db-key ${assignment}: no knowledge base is named "${name}"; served: ${knowledgeBases.map((entry) => entry.name).join(', ')}.`,
        { data: { name } },
      );
    }
    target.keys.push(readKeyVariable(environment, variable, `--db-key ${assignment}`));
  }
  return { knowledgeBases };
}

/** The single knowledge base, chosen exactly as before; its name only matters for the scoped routes. */
async function onlyKnowledgeBase(
  environment: NodeJS.ProcessEnv,
  flags: ServeSelectionFlags,
): Promise<KnowledgeBaseToServe> {
  const source = await chooseKnowledgeSource(environment, {
    ...(flags.db[0] === undefined ? {} : { db: flags.db[0] }),
    ...(flags.kb === undefined ? {} : { kb: flags.kb }),
  });
  const origin = source.kind === 'database' ? `--db ${source.display}` : `--kb ${source.path}`;
  return {
    name: defaultKnowledgeBaseName(source.kind === 'database' ? source.location : source) ?? 'kb',
    source,
    keys: [],
    origin,
  };
}

function nameFor(source: KnowledgeSource, origin: string): string {
  const name = defaultKnowledgeBaseName(source.kind === 'database' ? source.location : source);
  if (name === null) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `Cannot make a knowledge base name from ${origin}: name it in a --config file.`,
    );
  }
  return name;
}

async function readServeConfig(
  environment: NodeJS.ProcessEnv,
  path: string,
): Promise<{ knowledgeBases: KnowledgeBaseToServe[]; adminKeyEnv?: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `Cannot read the config file ${path}: ${(error as Error).message}`,
      {
        data: { path },
        cause: error,
      },
    );
  }
  const errors: ParseError[] = [];
  const json: unknown = parse(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: true });
  const first = errors[0];
  if (first) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `The config file ${path} is not valid JSON at ${lineAndColumn(text, first.offset)} (${printParseErrorCode(first.error)}).`,
      { data: { path, offset: first.offset } },
    );
  }
  const config = parseWithCode(serveConfigSchema, json, `config file ${path}`);
  const folder = dirname(resolve(path));
  const knowledgeBases = config.knowledgeBases.map((entry, position) => {
    const origin = `${path} knowledgeBases[${position}]`;
    // A relative SQLite path means the file beside the config, wherever serve is started from.
    const db = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry.db) || isAbsolute(entry.db) ? entry.db : resolve(folder, entry.db);
    const source = databaseSource(db);
    const name = entry.name ?? nameFor(source, origin);
    return { name, source, keys: list(entry.key), origin: `${origin} (${source.display})`, keyEnv: list(entry.keyEnv) };
  });
  // Names first: a misnamed entry is reported as such, whatever else is wrong further down.
  checkKnowledgeBaseNames(knowledgeBases, ({ origin }) => origin);
  for (const [position, entry] of knowledgeBases.entries()) {
    const where = `${path} knowledgeBases[${position}] ("${entry.name}") keyEnv`;
    entry.keys.push(...entry.keyEnv.map((variable) => readKeyVariable(environment, variable, where)));
  }
  return {
    knowledgeBases: knowledgeBases.map(({ keyEnv: _keyEnv, ...entry }) => entry),
    ...(config.adminKeyEnv === undefined ? {} : { adminKeyEnv: config.adminKeyEnv }),
  };
}

/** A key from the environment; unset or blank is an error naming where it was asked for. */
function readKeyVariable(environment: NodeJS.ProcessEnv, variable: string, where: string): string {
  const value = environment[variable]?.trim();
  if (!value) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `${where}: the environment variable ${variable} is not set (or empty); it must hold the key.`,
      { data: { variable } },
    );
  }
  return value;
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : typeof value === 'string' ? [value] : value;
}
