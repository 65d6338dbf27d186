/** Where library code reports what a person should know. Library code never writes to the console itself. */
export interface Logger {
  warn(message: string): void;
  info(message: string): void;
}

export const silentLogger: Logger = { warn() {}, info() {} };
