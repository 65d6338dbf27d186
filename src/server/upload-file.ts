import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { payloadTooLargeError } from './read-body.js';

/**
 * Streams an upload's body into a folder of its own under the system's temporary folder and
 * runs `read` on the file; the folder is removed afterwards whatever happens (a body over the
 * limit, a client that leaves mid-way, a loader that fails). Nothing of the body is held in
 * memory. The file is written under a fixed name, `upload` plus the extension of `name` (which
 * chooses the loader), so nothing the client chose becomes a path; the loaders take titles from
 * `name` itself (`CollectedFile.fileName`).
 */
export async function withUploadedFile<Result>(
  upload: { body: ReadableStream<Uint8Array> | null; declaredBytes: string | undefined; maxBytes: number },
  name: string,
  read: (path: string) => Promise<Result>,
): Promise<Result> {
  const { body, declaredBytes, maxBytes } = upload;
  if (declaredBytes !== undefined && Number(declaredBytes) > maxBytes)
    throw payloadTooLargeError('uploaded file', maxBytes);
  const folder = await mkdtemp(join(tmpdir(), 'gemma-rag-upload-'));
  try {
    const path = join(folder, `upload${safeExtension(name)}`);
    let received = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(received > maxBytes ? payloadTooLargeError('uploaded file', maxBytes) : null, chunk);
      },
    });
    const source = body ? Readable.fromWeb(body as WebReadableStream<Uint8Array>) : Readable.from([]);
    await pipeline(source, counted, createWriteStream(path, { flags: 'wx' }));
    return await read(path);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** `Handbook.PDF` → `.pdf`; anything but a short run of letters and digits → none (the loader then says unsupported). */
function safeExtension(name: string): string {
  const extension = extname(name).toLowerCase();
  return /^\.[a-z0-9]{1,16}$/.test(extension) ? extension : '';
}
