import { forTerminal } from '../presentation/terminal-text.js';

/** The process's streams and environment, injected so tests can run the CLI in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  environment: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, environment: process.env };
}

/** A line for people: control characters from file names, titles or documents are removed (terminal-text.ts). */
export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${forTerminal(text)}\n`);
}

/** Text for people without a line break (a streamed answer), cleaned like `writeLine`. */
export function writeText(stream: NodeJS.WritableStream, text: string): void {
  stream.write(forTerminal(text));
}

/** JSON for programs, exact: JSON escapes control characters itself. */
export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** One JSON value on one line (JSON Lines), exact. */
export function writeJsonLine(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${JSON.stringify(value)}\n`);
}

/**
 * Runs a command's action, turning its errors into output and an exit code. An action may
 * return an exit code of its own (e.g. `doctor` when a check fails).
 */
export type CommandRunner = (action: () => Promise<unknown>, json: boolean) => Promise<void>;
