import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { payloadTooLargeError } from './read-body.js';

/**
 * Streams an upload's body into a folder of its own under the system's temporary folder and
 * runs `read` on the file; the folder is removed afterwards whatever happens (a body over the
 * limit, a client that leaves mid-way, a loader that fails). Nothing of the body is held in
 * memory. `name` has been checked to be one file name of at most 255 bytes.
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
    const path = join(folder, name);
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
