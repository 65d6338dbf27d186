/** Little-endian float32 bytes, the same layout as a Float32Array on every platform we run on. */
export function encodeVector(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function decodeVector(bytes: Buffer, dimensions: number): Float32Array {
  if (bytes.byteLength !== dimensions * 4) {
    throw new Error(`vector blob of ${bytes.byteLength} bytes does not hold ${dimensions} float32 values`);
  }
  // Copy: the Buffer may share memory with SQLite's page cache and be reused.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}
