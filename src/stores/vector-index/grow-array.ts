/** A typed array of `length` holding `previous` at its start (slot storage grows by doubling). */
export function growArray<Array extends Float32Array | Uint32Array | Int8Array>(
  previous: Array | undefined,
  length: number,
  Type: { new (length: number): Array },
): Array {
  const next = new Type(length);
  if (previous) next.set(previous as never);
  return next;
}
