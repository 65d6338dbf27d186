import type pg from 'pg';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { type KnowledgeLocation, scrubSecrets } from '../knowledge-location.js';

type PostgresLocation = Extract<KnowledgeLocation, { kind: 'postgres' }>;

/** A pool or a client inside a transaction: what queries run on. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * A connection pool to one knowledge base: its schema (as a quoted identifier for SQL), the
 * location to show people, and transactions. Every driver error leaves here scrubbed of the
 * password, and a server that cannot be reached becomes STORE_UNAVAILABLE.
 */
export class PostgresConnection {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly location: PostgresLocation,
    /** The schema as a quoted identifier, ready to prefix table names. */
    readonly schema: string,
    readonly escapeLiteral: (value: string) => string,
  ) {}

  /** Opens a pool; the driver is imported here, so SQLite users never load it. */
  static async open(location: PostgresLocation): Promise<PostgresConnection> {
    const { default: driver } = await import('pg');
    const pool = new driver.Pool({
      connectionString: location.connectionString,
      application_name: 'gemma-rag',
      // An unreachable host fails in seconds instead of hanging a command.
      connectionTimeoutMillis: 15_000,
      max: 8,
    });
    // An idle client whose server went away: the next query reconnects; nothing to do here.
    pool.on('error', () => {});
    const connection = new PostgresConnection(
      pool,
      location,
      driver.escapeIdentifier(location.schema),
      driver.escapeLiteral,
    );
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => {});
      // Whatever stops the first query (refused, DNS, TLS, login, timeout) means "cannot use it".
      throw connection.translate(error, true);
    }
    return connection;
  }

  /** The URL with its password masked. */
  get display(): string {
    return this.location.display;
  }

  /** The schema's name as given (unquoted). */
  get schemaName(): string {
    return this.location.schema;
  }

  async query<Row extends object>(sql: string, values?: readonly unknown[], on: Queryable = this.pool): Promise<Row[]> {
    try {
      const result = await on.query<Row>(sql, values ? [...values] : undefined);
      return result.rows;
    } catch (error) {
      throw this.translate(error);
    }
  }

  /**
   * Several statements in one round trip (the simple protocol: no parameters, so every value
   * must already be a literal); returns the rows of the last statement that returned any.
   */
  async script<Row extends object>(sql: string): Promise<Row[]> {
    try {
      const results = (await this.pool.query(sql)) as unknown as pg.QueryResult<Row> | pg.QueryResult<Row>[];
      const list = Array.isArray(results) ? results : [results];
      return list.filter((result) => result.command === 'SELECT').at(-1)?.rows ?? [];
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** Runs `work` in one transaction on one client; rolled back if it throws. */
  async transaction<Result>(work: (client: Queryable) => Promise<Result>): Promise<Result> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.translate(error);
    }
    let broken = false;
    try {
      await this.query('BEGIN', undefined, client);
      const result = await work(client);
      await this.query('COMMIT', undefined, client);
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw GemmaRagError.isInstance(error) ? error : this.translate(error);
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Connection failures become STORE_UNAVAILABLE; every message loses the secrets it may quote. */
  translate(error: unknown, unavailable = false): Error {
    if (GemmaRagError.isInstance(error)) return error;
    const raw = error instanceof Error ? error.message || String((error as { code?: unknown }).code) : String(error);
    const message = scrubSecrets(raw, this.location.secrets);
    const code = (error as { code?: unknown })?.code;
    if (
      unavailable ||
      (typeof code === 'string' && (unreachableCodes.has(code) || code.startsWith('08') || code.startsWith('28')))
    ) {
      return new GemmaRagError(
        errorCodes.storeUnavailable,
        `Cannot use the knowledge base ${this.location.display}: ${message}`,
        { data: { location: this.location.display, reason: typeof code === 'string' ? code : null } },
      );
    }
    const scrubbed = new Error(message);
    Object.assign(scrubbed, { code });
    return scrubbed;
  }
}

/** Node network errors and PostgreSQL conditions meaning "you cannot use this server now". */
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  '3D000', // database does not exist
  '53300', // too many connections
  '57P01', // admin shutdown
  '57P03', // cannot connect now (starting up)
]);
