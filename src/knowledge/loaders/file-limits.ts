import { errorCodes, errorMessage, GemmaRagError } from '../../spec/errors.js';

/** Larger files are rarely knowledge; usually a dump or an archive that would stall ingest. */
export const defaultMaxFileBytes = 20 * 1024 * 1024;

export function checkedMaxFileBytes(value: number | undefined): number {
  if (value === undefined) return defaultMaxFileBytes;
  if (!Number.isFinite(value) || value <= 0) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `The maximum file size must be a positive number of bytes, not ${value}.`,
      {
        data: { maxFileBytes: value },
      },
    );
  }
  return value;
}

export function tooLargeReason(size: number, limit: number): string {
  return `file is ${formatBytes(size)}, over the ${formatBytes(limit)} limit (raise it with --max-file-size)`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${trimmed(bytes / (1024 * 1024))} MiB`;
  if (bytes >= 1024) return `${trimmed(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

function trimmed(value: number): string {
  return value.toFixed(1).replace(/\.0$/, '');
}

/** Words for the file-system errors people can fix; anything else keeps its own message. */
export function describeFileSystemError(error: unknown): string {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'it no longer exists';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return errorMessage(error);
  }
}
