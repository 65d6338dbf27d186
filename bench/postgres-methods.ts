/**
 * The PostgreSQL store in bench/search.ts: PostgresVectorStore on a real server (start one
 * with `scripts/ci-postgres.sh --keep`), its HNSW index built once per dataset and index type
 * and searched at several ef_search values. Build time = bulk insert through the store +
 * index build (each in the note); bytes/vector = the whole table with its indexes in the
 * database, / n. `binary_quantize` + exact re-score is measured beside it with raw SQL.
 */
import { performance } from 'node:perf_hooks';
import { parseKnowledgeLocation } from '../src/stores/knowledge-location.js';
import { PostgresConnection } from '../src/stores/postgres/postgres-connection.js';
import { readSetting, writeSetting } from '../src/stores/postgres/postgres-settings.js';
import { vectorLiteral } from '../src/stores/postgres/postgres-vector-sql.js';
import { PostgresVectorStore } from '../src/stores/postgres/postgres-vector-store.js';
import { upsertRows } from './upsert-rows.js';

export interface PostgresBuilt {
  search: (query: Float32Array) => Promise<number[]>;
  bytesPerVector: number;
  note: string;
  extraBuildMs?: number;
  dispose?: () => Promise<void>;
}

interface Loaded {
  store: PostgresVectorStore<{ row: number }>;
  insertMs: number;
  indexMs: number;
  tableBytes: number;
  indexBytes: number;
}

/** Which PostgreSQL rows bench/search.ts measures (its --pg-* options). */
export interface PostgresBenchSettings {
  url: string;
  types: ReadonlyArray<'vector' | 'halfvec'>;
  efSearch: readonly number[];
  /** HNSW build settings; pgvector's defaults are m 16, ef_construction 64. */
  m: number;
  efConstruction: number;
  binary: boolean;
}

const loaded = new Map<string, Promise<Loaded>>();
const batch = 1000;

/** One schema per dataset and index type, filled and indexed once, shared by its ef_search rows. */
function load(
  settings: PostgresBenchSettings,
  key: string,
  data: Float32Array,
  dimensions: number,
  indexType: 'vector' | 'halfvec',
) {
  const { url } = settings;
  let entry = loaded.get(key);
  if (!entry) {
    entry = (async () => {
      const location = parseKnowledgeLocation(`${url}?schema=bench_${key}`);
      if (location.kind !== 'postgres') throw new Error('--postgres needs a postgres:// URL');
      const store = await PostgresVectorStore.open<{ row: number }>(location, {
        indexType,
        m: settings.m,
        efConstruction: settings.efConstruction,
      });
      const connection = store.connection;
      const rows = data.length / dimensions;
      const sizes = async () =>
        (
          await connection.query<{ table: number; indexes: number }>(
            // The binary_quantize index below is measured on its own row, not in these.
            `SELECT (pg_total_relation_size(to_regclass($1)) - b.bytes)::float8 AS table,
                    (pg_indexes_size(to_regclass($1)) - b.bytes)::float8 AS indexes
             FROM (SELECT coalesce(pg_relation_size(to_regclass($2)), 0) AS bytes) b`,
            [`${connection.schema}.vectors`, `${connection.schema}.bench_binary`],
          )
        )[0];
      // A schema this run already filled with the same seeded data is reused with the build
      // times it measured, so searches can be timed again on a quiet machine.
      const previous = await readSetting(connection, 'bench-build');
      const reused = previous
        ? (JSON.parse(previous) as { rows: number; insertMs: number; indexMs: number })
        : undefined;
      if (reused?.rows === rows && (await store.describe('chunks')).method === 'hnsw') {
        process.stderr.write(`  reusing ${key} (built earlier)\n`);
        const measured = await sizes();
        return {
          store,
          insertMs: reused.insertMs,
          indexMs: reused.indexMs,
          tableBytes: measured?.table ?? 0,
          indexBytes: measured?.indexes ?? 0,
        };
      }
      await connection.query(`DROP INDEX IF EXISTS ${connection.schema}.bench_binary`);
      await connection.query(`DELETE FROM ${connection.schema}.meta WHERE key LIKE 'bench-%'`);
      await connection.query(`TRUNCATE ${connection.schema}.vectors`);
      await store.prepare('chunks'); // drops a previous run's index: insert without one, then build
      // The same rows for the other index type are copied inside the server (sending 1M
      // vectors as text takes most of an hour here); the insert time reported is the one
      // measured when they were sent through the store.
      const sibling = await filledSibling(url, key, rows);
      const insertStarted = performance.now();
      if (sibling) {
        await connection.query(`INSERT INTO ${connection.schema}.vectors SELECT * FROM ${sibling.table}`);
        process.stderr.write(`  copied ${rows} rows from ${sibling.table}\n`);
      } else {
        await upsertRows(store, data, dimensions, batch, (written) => {
          if ((written / batch) % 100 === 0) process.stderr.write(`  inserted ${written}\n`);
        });
      }
      const insertMs = sibling?.insertMs ?? performance.now() - insertStarted;
      await connection.query(`VACUUM ANALYZE ${connection.schema}.vectors`);
      const indexStarted = performance.now();
      await store.prepare('chunks', (done, total) => process.stderr.write(`  index ${done}/${total}\r`));
      const indexMs = performance.now() - indexStarted;
      await writeSetting(connection, 'bench-build', JSON.stringify({ rows, insertMs, indexMs }));
      const measured = await sizes();
      return {
        store,
        insertMs,
        indexMs,
        tableBytes: measured?.table ?? 0,
        indexBytes: measured?.indexes ?? 0,
      };
    })();
    loaded.set(key, entry);
  }
  return entry;
}

/** Another schema of this dataset and size (other index type or build) holding all rows, with its measured insert time. */
async function filledSibling(
  url: string,
  key: string,
  rows: number,
): Promise<{ table: string; insertMs: number } | undefined> {
  const prefix = `bench_${key.split('_').slice(0, 2).join('_')}_`;
  const location = parseKnowledgeLocation(`${url}?schema=bench_${key}`);
  if (location.kind !== 'postgres') return undefined;
  const connection = await PostgresConnection.open(location);
  try {
    const schemas = await connection.query<{ name: string }>(
      `SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1) AND nspname <> $2 ORDER BY nspname`,
      [prefix, `bench_${key}`],
    );
    for (const { name } of schemas) {
      const [row] = await connection.query<{ value: string }>(
        `SELECT value FROM ${`"${name.replaceAll(`"`, `""`)}"`}.meta WHERE key = 'bench-build'`,
      );
      const build = row ? (JSON.parse(row.value) as { rows: number; insertMs: number }) : undefined;
      if (build?.rows === rows)
        return { table: `${`"${name.replaceAll(`"`, `""`)}"`}.vectors`, insertMs: build.insertMs };
    }
    return undefined;
  } finally {
    await connection.close();
  }
}

/** Schema names: pgvector's default build keeps the short name earlier runs used. */
function schemaKey(dataset: string, rows: number, type: string, settings: PostgresBenchSettings): string {
  const build =
    settings.m === 16 && settings.efConstruction === 64 ? '' : `_m${settings.m}_c${settings.efConstruction}`;
  return `${dataset}_${rows}_${type}${build}`;
}

export function postgresMethods(settings: PostgresBenchSettings, dataset: () => string, dimensions: number, k: number) {
  const build = `m ${settings.m}, ef_construction ${settings.efConstruction}`;
  const storeMethod = (indexType: 'vector' | 'halfvec', efSearch: number) => ({
    name: `gemma-rag PostgreSQL store: pgvector HNSW ${indexType}(${dimensions}) (${build}) ef_search ${efSearch}${indexType === 'halfvec' ? ' + fp32 rescore' : ''}`,
    peer: false,
    slow: true,
    build: async (data: Float32Array): Promise<PostgresBuilt> => {
      const key = schemaKey(dataset(), data.length / dimensions, indexType, settings);
      const shared = await load(settings, key, data, dimensions, indexType);
      const store = new PostgresVectorStore<{ row: number }>(shared.store.connection, false, { efSearch, indexType });
      const rows = data.length / dimensions;
      return {
        search: async (query) =>
          (await store.search({ namespace: 'chunks', vector: query, topK: k })).map((hit) => hit.metadata.row),
        bytesPerVector: Math.round(shared.tableBytes / rows),
        note: `table + indexes in PostgreSQL / n (HNSW index ${Math.round(shared.indexBytes / rows)} B/vector); insert ${Math.round(shared.insertMs / 1000)} s, index build ${Math.round(shared.indexMs / 1000)} s`,
        extraBuildMs: shared.insertMs + shared.indexMs,
      };
    },
  });
  return [
    ...settings.types.flatMap((type) => settings.efSearch.map((ef) => storeMethod(type, ef))),
    ...(settings.binary ? [binaryQuantized(settings, dataset, dimensions, k)] : []),
  ];
}

/** HNSW over binary_quantize(embedding)::bit(d), then C candidates re-scored exactly in SQL. */
function binaryQuantized(settings: PostgresBenchSettings, dataset: () => string, dimensions: number, k: number) {
  const candidates = 200;
  return {
    name: `pgvector HNSW binary_quantize bit(${dimensions}) C=${candidates} + fp32 rescore (raw SQL)`,
    peer: false,
    slow: true,
    build: async (data: Float32Array): Promise<PostgresBuilt> => {
      const key = schemaKey(dataset(), data.length / dimensions, 'vector', settings);
      const shared = await load(settings, key, data, dimensions, 'vector');
      const connection: PostgresConnection = shared.store.connection;
      const table = `${connection.schema}.vectors`;
      const recorded = await readSetting(connection, 'bench-binary-build');
      let buildMs = recorded === undefined ? Number.NaN : Number(recorded);
      if (Number.isNaN(buildMs)) {
        const started = performance.now();
        await connection.query(
          `CREATE INDEX bench_binary ON ${table} USING hnsw ((binary_quantize(embedding)::bit(${dimensions})) bit_hamming_ops)`,
        );
        buildMs = performance.now() - started;
        await writeSetting(connection, 'bench-binary-build', String(buildMs));
      }
      const [size] = await connection.query<{ bytes: number }>(
        `SELECT pg_relation_size(to_regclass($1))::float8 AS bytes`,
        [`${connection.schema}.bench_binary`],
      );
      const rows = data.length / dimensions;
      return {
        search: async (query) => {
          const literal = `'${vectorLiteral(query)}'::vector`;
          const found = await connection.script<{ id: string }>(
            `BEGIN READ ONLY; SET LOCAL hnsw.ef_search = ${candidates};
             SELECT id FROM (SELECT id, embedding FROM ${table}
               ORDER BY binary_quantize(embedding)::bit(${dimensions}) <~> binary_quantize(${literal}) LIMIT ${candidates}) c
             ORDER BY embedding <=> ${literal} LIMIT ${k}; COMMIT;`,
          );
          return found.map((row) => Number(row.id));
        },
        bytesPerVector: Math.round((size?.bytes ?? 0) / rows),
        note: `bit HNSW index / n (the fp32 table is shared with the rows above); index build ${Math.round(buildMs / 1000)} s`,
        extraBuildMs: buildMs,
      };
    },
  };
}

/** Closes every store the PostgreSQL methods opened. */
export async function closePostgres(): Promise<void> {
  for (const entry of loaded.values()) await (await entry).store.close();
  loaded.clear();
}
