import { createInterface } from 'node:readline/promises';
import type { CliIo } from './cli-io.js';

/**
 * Asks a yes/no question when a person is at the terminal. Without one (pipes, CI,
 * --json) it answers no, so nothing is ever downloaded unasked.
 */
export function confirmer(io: CliIo, enabled: boolean): ((question: string) => Promise<boolean>) | undefined {
  if (!enabled || !io.stdin.isTTY || !io.stderr.isTTY) return undefined;
  return async (question) => {
    const readline = createInterface({ input: io.stdin, output: io.stderr });
    try {
      const answer = await readline.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      readline.close();
    }
  };
}
