import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ggmlTypeCount, ggmlTypes } from './ggml-types.js';

/** A metadata value: scalars and short strings as they are; arrays only as their element type and length. */
export type GgufMetadataValue =
  | number
  | bigint
  | boolean
  | string
  | { array: GgufValueTypeName; length: number }
  | { longString: number };

export interface GgufTensorEntry {
  name: string;
  /** ggml "ne" order: innermost dimension first. */
  shape: number[];
  type: number;
  /** Bytes the tensor occupies in the data section. */
  byteLength: number;
}

export interface GgufHeader {
  version: number;
  metadata: ReadonlyMap<string, GgufMetadataValue>;
  tensors: readonly GgufTensorEntry[];
  /** Where tensor data starts in the file. */
  dataOffset: number;
  fileSize: number;
}

/** Why a file is not a usable GGUF; the caller names the file. */
export class GgufFormatError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason);
    this.name = 'GgufFormatError';
  }
}

const valueTypes = [
  { name: 'u8', size: 1 },
  { name: 'i8', size: 1 },
  { name: 'u16', size: 2 },
  { name: 'i16', size: 2 },
  { name: 'u32', size: 4 },
  { name: 'i32', size: 4 },
  { name: 'f32', size: 4 },
  { name: 'bool', size: 1 },
  { name: 'string', size: 8 }, // the length prefix: the least a string can take
  { name: 'array', size: 12 }, // element type + count
  { name: 'u64', size: 8 },
  { name: 'i64', size: 8 },
  { name: 'f64', size: 8 },
] as const;
type GgufValueTypeName = (typeof valueTypes)[number]['name'];
const stringType = 8;
const arrayType = 9;

/** llama.cpp: GGML_MAX_DIMS, GGML_MAX_NAME (including the terminating NUL), GGUF_DEFAULT_ALIGNMENT. */
const maxDimensions = 4;
const maxTensorNameBytes = 63;
const defaultAlignment = 32;
/** GGUF's own limit for keys; real ones are a few dozen bytes. */
const maxKeyBytes = 65_535;
/** Longer strings (chat templates are ~10 KB) are skipped, not decoded: nothing we read needs them. */
const maxDecodedStringBytes = 1 << 16;
const windowBytes = 1 << 20;
// The least each record can occupy, to bound counts by the bytes left before looping.
const minimumKeyValueBytes = 8 + 1 + 4 + 1;
const minimumTensorInfoBytes = 8 + 1 + 4 + 4 + 8;

/**
 * Reads only forward through a file, through one window, refusing any read past the end.
 * Every count read from the file is checked against the bytes left before it is used to
 * allocate or loop, so a hostile header costs at most one pass over the file.
 */
class BoundedReader {
  position = 0;
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly descriptor: number,
    readonly size: number,
  ) {}

  get remaining(): number {
    return this.size - this.position;
  }

  fail(reason: string): never {
    throw new GgufFormatError(reason, this.position);
  }

  private take(length: number, what: string): Buffer {
    if (length > this.remaining) {
      this.fail(`${what} needs ${length} bytes at offset ${this.position}, but the file ends after ${this.remaining}`);
    }
    const windowOffset = this.position - this.windowStart;
    if (windowOffset < 0 || windowOffset + length > this.window.length) {
      const size = Math.min(Math.max(length, windowBytes), this.remaining);
      this.window = Buffer.alloc(size);
      readSync(this.descriptor, this.window, 0, size, this.position);
      this.windowStart = this.position;
    }
    const start = this.position - this.windowStart;
    this.position += length;
    return this.window.subarray(start, start + length);
  }

  skip(length: number, what: string): void {
    if (length > this.remaining) {
      this.fail(`${what} needs ${length} bytes at offset ${this.position}, but the file ends after ${this.remaining}`);
    }
    this.position += length;
  }

  u8(what: string): number {
    return this.take(1, what).readUInt8(0);
  }
  u32(what: string): number {
    return this.take(4, what).readUInt32LE(0);
  }
  i32(what: string): number {
    return this.take(4, what).readInt32LE(0);
  }
  u64(what: string): bigint {
    return this.take(8, what).readBigUInt64LE(0);
  }
  i64(what: string): bigint {
    return this.take(8, what).readBigInt64LE(0);
  }

  /** A u64 count or length that must fit in what is left of the file at `bytesEach` per item. */
  count(what: string, bytesEach: number): number {
    const value = this.u64(what);
    const fits = BigInt(Math.floor(this.remaining / bytesEach));
    if (value > fits) {
      this.fail(
        `${what} is ${value}, but the ${this.remaining} bytes left in the file hold at most ${fits} (truncated or not a model file)`,
      );
    }
    return Number(value);
  }

  string(what: string, maxBytes: number): string {
    const length = this.count(`the length of ${what}`, 1);
    if (length > maxBytes) this.fail(`${what} is ${length} bytes long; at most ${maxBytes} are allowed`);
    return this.take(length, what).toString('utf8');
  }

  value(type: number, what: string): GgufMetadataValue {
    switch (type) {
      case 0:
        return this.u8(what);
      case 1:
        return this.take(1, what).readInt8(0);
      case 2:
        return this.take(2, what).readUInt16LE(0);
      case 3:
        return this.take(2, what).readInt16LE(0);
      case 4:
        return this.u32(what);
      case 5:
        return this.i32(what);
      case 6:
        return this.take(4, what).readFloatLE(0);
      case 7:
        return this.u8(what) !== 0;
      case stringType: {
        const length = this.count(`the length of ${what}`, 1);
        if (length > maxDecodedStringBytes) {
          this.skip(length, what);
          return { longString: length };
        }
        return this.take(length, what).toString('utf8');
      }
      case arrayType:
        return this.array(what);
      case 10:
        return safeInteger(this.u64(what));
      case 11:
        return safeInteger(this.i64(what));
      case 12:
        return this.take(8, what).readDoubleLE(0);
      default:
        return this.fail(`${what} has unknown value type ${type}`);
    }
  }

  private array(what: string): GgufMetadataValue {
    const elementType = this.u32(`the element type of ${what}`);
    const element = valueTypes[elementType];
    if (!element || elementType === arrayType) {
      this.fail(
        `${what} is an array of ${element ? 'arrays, which GGUF readers do not support' : `unknown type ${elementType}`}`,
      );
    }
    const length = this.count(`the length of array ${what}`, element.size);
    if (elementType === stringType) {
      for (let index = 0; index < length; index++) this.skip(this.count(`string ${index} of ${what}`, 1), what);
    } else {
      this.skip(length * element.size, what);
    }
    return { array: element.name, length };
  }
}

function safeInteger(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}

const alignUp = (offset: number, alignment: number) => Math.ceil(offset / alignment) * alignment;

/**
 * Parses a GGUF header with the checks llama.cpp's own loader makes (gguf.cpp), and one more:
 * every tensor's data must lie inside the file. Never allocates or loops more than the
 * file's size allows, so a truncated or hostile file fails in one bounded pass.
 */
export function readGgufHeader(path: string): GgufHeader {
  const descriptor = openSync(path, 'r');
  try {
    const reader = new BoundedReader(descriptor, fstatSync(descriptor).size);
    return parseHeader(reader);
  } finally {
    closeSync(descriptor);
  }
}

function parseHeader(reader: BoundedReader): GgufHeader {
  if (reader.size < 24) reader.fail(`it is ${reader.size} bytes long, too short for a GGUF header (24 bytes)`);
  const magic = reader.u32('the magic number');
  if (magic !== 0x46554747) reader.fail('it does not start with the GGUF magic bytes ("GGUF")');
  const version = reader.u32('the version');
  if ((version & 0xffff) === 0) reader.fail(`its version (${version}) looks byte-swapped: a big-endian file?`);
  if (version !== 2 && version !== 3) {
    reader.fail(`it is GGUF version ${version}; llama.cpp reads versions 2 and 3`);
  }
  const tensorCount = reader.count('the tensor count', minimumTensorInfoBytes);
  const keyValueCount = reader.count('the metadata count', minimumKeyValueBytes);

  const metadata = new Map<string, GgufMetadataValue>();
  for (let index = 0; index < keyValueCount; index++) {
    const key = reader.string(`metadata key ${index}`, maxKeyBytes);
    if (key === '') reader.fail(`metadata key ${index} is empty`);
    if (metadata.has(key)) reader.fail(`metadata key "${key}" appears twice`);
    metadata.set(key, reader.value(reader.u32(`the type of "${key}"`), `"${key}"`));
  }
  const alignment = metadata.get('general.alignment') ?? defaultAlignment;
  if (typeof alignment !== 'number' || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
    reader.fail(`general.alignment (${String(alignment)}) is not a power of two`);
  }

  const tensors: GgufTensorEntry[] = [];
  const offsets: bigint[] = [];
  const names = new Set<string>();
  for (let index = 0; index < tensorCount; index++) {
    const name = reader.string(`the name of tensor ${index}`, maxTensorNameBytes);
    if (names.has(name)) reader.fail(`tensor "${name}" appears twice`);
    names.add(name);
    const dimensionCount = reader.u32(`the dimension count of "${name}"`);
    if (dimensionCount > maxDimensions) {
      reader.fail(`tensor "${name}" has ${dimensionCount} dimensions; ggml allows at most ${maxDimensions}`);
    }
    const shape: bigint[] = [];
    for (let dimension = 0; dimension < dimensionCount; dimension++) {
      const size = reader.i64(`dimension ${dimension} of "${name}"`);
      if (size < 0n) reader.fail(`tensor "${name}" has a negative dimension (${size})`);
      shape.push(size);
    }
    const type = reader.u32(`the type of "${name}"`);
    const traits = ggmlTypes.get(type);
    if (!traits) {
      reader.fail(
        `tensor "${name}" has ggml type ${type}, which ${type < ggmlTypeCount ? 'llama.cpp no longer supports' : 'this llama.cpp does not know'}`,
      );
    }
    const elements = shape.reduce((product, size) => product * size, 1n);
    const rowLength = shape[0] ?? 1n;
    if (rowLength % BigInt(traits.blockSize) !== 0n) {
      reader.fail(
        `tensor "${name}" has rows of ${rowLength} values, not a multiple of ${traits.name}'s block of ${traits.blockSize}`,
      );
    }
    const byteLength = (elements / BigInt(traits.blockSize)) * BigInt(traits.typeSize);
    if (byteLength > BigInt(reader.size)) {
      reader.fail(`tensor "${name}" would take ${byteLength} bytes, more than the whole file (${reader.size})`);
    }
    offsets.push(reader.u64(`the data offset of "${name}"`));
    tensors.push({ name, shape: shape.map(Number), type, byteLength: Number(byteLength) });
  }

  const dataOffset = tensorCount > 0 ? alignUp(reader.position, alignment) : reader.position;
  let expected = 0;
  for (const [index, tensor] of tensors.entries()) {
    // llama.cpp requires tensors to be packed in order, each padded to the alignment.
    if (offsets[index] !== BigInt(expected)) {
      reader.fail(`tensor "${tensor.name}" claims data offset ${offsets[index]}; the layout puts it at ${expected}`);
    }
    const end = dataOffset + expected + tensor.byteLength;
    if (end > reader.size) {
      reader.fail(
        `tensor "${tensor.name}" ends at byte ${end}, but the file has only ${reader.size} bytes (an incomplete download?)`,
      );
    }
    expected = alignUp(expected + tensor.byteLength, alignment);
  }
  return { version, metadata, tensors, dataOffset, fileSize: reader.size };
}
