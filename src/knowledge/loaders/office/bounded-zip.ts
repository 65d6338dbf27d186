import { Unzip, type UnzipFile, UnzipInflate, zipSync } from 'fflate';
import { defaultParseLimits, inflatedBudgetReason } from '../parse-limits.js';

/**
 * Office files are zip archives, and a zip can expand a few megabytes into gigabytes (a "zip
 * bomb"), whatever its headers claim. Every Office loader unpacks through here, counting the
 * bytes as they are inflated and giving up at the limit, so memory stays bounded before any
 * parser sees the data.
 */
export interface ZipLimits {
  /** Largest total of inflated bytes over the entries kept. */
  maxTotalBytes: number;
  /** Most entries in the archive. */
  maxEntries: number;
}

export const defaultZipLimits: ZipLimits = { maxTotalBytes: defaultParseLimits.maxInflatedBytes, maxEntries: 20_000 };

/** Why an archive was not unpacked; the message is meant for the skip reason. */
export class ZipProblem extends Error {
  override readonly name = 'ZipProblem';
}

/**
 * The inflated entries whose names `keep` accepts (the others are passed over without being
 * inflated), or a `ZipProblem` for an archive that is not a zip, is damaged, or expands past
 * the limits.
 */
export function unzipBounded(
  bytes: Uint8Array,
  keep: (name: string) => boolean,
  limits: ZipLimits = defaultZipLimits,
): Map<string, Uint8Array> {
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) throw new ZipProblem('not a zip archive (the file may be damaged)');
  const entries = new Map<string, Uint8Array>();
  let entryCount = 0;
  let unfinished = 0;
  let total = 0;
  let problem: ZipProblem | undefined;
  const unzip = new Unzip((file: UnzipFile) => {
    entryCount++;
    if (problem) return;
    if (entryCount > limits.maxEntries) {
      problem = new ZipProblem(`the archive has more than ${limits.maxEntries.toLocaleString('en-US')} entries`);
      return;
    }
    if (file.name.endsWith('/') || !keep(file.name)) return;
    const parts: Uint8Array[] = [];
    unfinished++;
    file.ondata = (error, chunk, final) => {
      if (problem) return;
      if (error) {
        problem = new ZipProblem(`damaged archive entry ${file.name} (${error.message})`);
        return;
      }
      total += chunk.length;
      if (total > limits.maxTotalBytes) {
        problem = new ZipProblem(inflatedBudgetReason(limits.maxTotalBytes));
        file.terminate();
        return;
      }
      parts.push(chunk);
      if (final) {
        unfinished--;
        entries.set(file.name, concatenate(parts));
      }
    };
    try {
      file.start();
    } catch (error) {
      problem = new ZipProblem(`unsupported compression in ${file.name} (${(error as Error).message})`);
    }
  });
  unzip.register(UnzipInflate);
  try {
    // One push with the whole file: the inflater is synchronous, so every entry is done on return.
    unzip.push(bytes, true);
  } catch (error) {
    if (!problem) throw new ZipProblem(`damaged zip archive (${(error as Error).message})`);
  }
  if (problem) throw problem;
  // A cut-off file ends inside an entry, or before the first one, without any error from fflate.
  if (unfinished > 0 || entryCount === 0) throw new ZipProblem('damaged zip archive (it ends too early)');
  return entries;
}

/**
 * The checked entries as a new zip that stores rather than compresses them, for libraries
 * that only take a whole archive: what they inflate is then exactly what was counted.
 */
export function storedZip(entries: ReadonlyMap<string, Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries(entries), { level: 0 });
}

function concatenate(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const result = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}
