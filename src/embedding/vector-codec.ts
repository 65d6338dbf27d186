/** Little-endian float32 bytes, the same layout as a Float32Array on every platform we run on. */
export function encodeVector(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function decodeVector(bytes: Buffer, dimensions: number): Float32Array {
  // A copy, not a view: better-sqlite3's Buffers are not 4-byte aligned.
  return decodeVectorInto(bytes, new Float32Array(dimensions));
}

/** Decodes into an existing array (a reused scratch buffer on hot paths); returns it. */
export function decodeVectorInto(bytes: Buffer, target: Float32Array): Float32Array {
  if (bytes.byteLength !== target.length * 4) {
    throw new Error(`vector blob of ${bytes.byteLength} bytes does not hold ${target.length} float32 values`);
  }
  new Uint8Array(target.buffer, target.byteOffset, target.byteLength).set(bytes);
  return target;
}
