import type { WriteLockWait } from '../app/options.js';
import { type CliIo, writeLine } from './cli-io.js';

/**
 * A command that writes waits for another process's write (a server's upload, another ingest)
 * as long as it takes within reason, and says so once, rather than failing after five seconds.
 */
export function commandWriteLockWait(io: CliIo, location: string): WriteLockWait {
  return {
    maxWaitMs: 10 * 60_000,
    onWaiting: () =>
      writeLine(io.stderr, `Waiting for another process to finish writing to ${location} (up to 10 minutes)…`),
  };
}
