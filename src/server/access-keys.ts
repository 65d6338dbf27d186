import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Who is calling, as far as keys tell: `anyone` when the server has no keys at all (every
 * knowledge base is open, as `serve` without --api-key always was); `admin` with the global
 * key; otherwise the knowledge bases whose keys match.
 */
export type Caller = { kind: 'anyone' } | { kind: 'admin' } | { kind: 'key'; knowledgeBases: ReadonlySet<string> };

/** A served knowledge base's name and the keys that open it. */
export interface KeyedKnowledgeBase {
  name: string;
  keys: readonly string[];
}

/**
 * The server's keys, kept only as SHA-256 digests. A presented key is hashed once and compared
 * with every digest by `timingSafeEqual`: equal-length inputs (comparing the keys themselves
 * would leak their length), and no early exit, so the time taken does not say which key or how
 * much of one matched.
 */
export class AccessKeys {
  private constructor(
    private readonly adminDigests: readonly Buffer[],
    private readonly digestsByKnowledgeBase: ReadonlyMap<string, readonly Buffer[]>,
  ) {}

  static from(adminKey: string | undefined, knowledgeBases: readonly KeyedKnowledgeBase[]): AccessKeys {
    return new AccessKeys(
      adminKey ? [digest(adminKey)] : [],
      new Map(knowledgeBases.map(({ name, keys }) => [name, keys.map(digest)])),
    );
  }

  /** false: the server has no key at all, and every route is open. */
  get required(): boolean {
    return this.adminDigests.length > 0 || [...this.digestsByKnowledgeBase.values()].some((keys) => keys.length > 0);
  }

  /**
   * The caller an `Authorization` header stands for; null when the server has keys and this
   * header carries none of them.
   */
  identify(authorization: string | undefined): Caller | null {
    if (!this.required) return { kind: 'anyone' };
    const presented = bearerToken(authorization);
    if (presented === undefined) return null;
    const presentedDigest = digest(presented);
    const isAdmin = matchesAny(presentedDigest, this.adminDigests);
    const opened = new Set<string>();
    for (const [name, digests] of this.digestsByKnowledgeBase) {
      if (matchesAny(presentedDigest, digests)) opened.add(name);
    }
    if (isAdmin) return { kind: 'admin' };
    return opened.size > 0 ? { kind: 'key', knowledgeBases: opened } : null;
  }
}

/** Whether a caller may read and change the knowledge base of this name. */
export function mayUse(caller: Caller, name: string): boolean {
  return caller.kind !== 'key' || caller.knowledgeBases.has(name);
}

/** Whether a caller sees every knowledge base, so telling it that a name does not exist hides nothing. */
export function seesEverything(caller: Caller): boolean {
  return caller.kind !== 'key';
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer (.+)$/.exec(authorization ?? '');
  return match?.[1];
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function matchesAny(presented: Buffer, digests: readonly Buffer[]): boolean {
  let matched = false;
  // Every digest is compared, whatever matched before.
  for (const candidate of digests) matched = timingSafeEqual(presented, candidate) || matched;
  return matched;
}
