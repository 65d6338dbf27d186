import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { binaryWordsFor, encodeBinary, hammingScan, smallestDistances } from './binary-codes.js';
import { growArray } from './grow-array.js';
import { calibrateInt8, encodeInt8, type Int8Calibration, int8QueryWeights, int8Scan } from './int8-codes.js';
import type { CoarseForm } from './search-plan.js';
import { TopScores } from './top-scores.js';

/** Standard deviations of sign-bit noise kept around the k-th distance (Widening). */
const widenZ = 3;
const maxWidenedCandidates = 20_000;

/** What the codes are built from: the index's slots (fp32 copy when kept in memory). */
export interface SlotSource {
  readonly dimensions: number;
  readonly size: number;
  readonly capacity: number;
  readonly vectors: Float32Array | undefined;
}

interface BinaryCodes {
  prefix: number;
  words: number;
  codes: Uint32Array;
  encodedSize: number;
}

interface Int8Codes {
  prefix: number;
  codes: Int8Array;
  encodedSize: number;
  calibration: Int8Calibration;
  calibratedAt: number;
}

/**
 * The funnel's compact codes, per slot: sign bits or calibrated int8 of all dimensions or
 * a Matryoshka prefix. Built lazily from the fp32 slots (on search or `prepare`) for slots
 * below `encodedSize`; in reader mode, where no fp32 copy exists, encoded as vectors arrive.
 */
export class CoarseCodes {
  private binary: BinaryCodes | undefined;
  private int8: Int8Codes | undefined;

  constructor(
    private readonly slots: SlotSource,
    private readonly form: CoarseForm,
    private readonly prefix: number,
  ) {}

  /** Resident bytes per vector of each form built so far. */
  bytesPerVector(): { binaryCodes: number; int8Codes: number } {
    return { binaryCodes: this.binary ? 4 * this.binary.words : 0, int8Codes: this.int8 ? this.int8.prefix : 0 };
  }

  /** The `candidates` slots closest to `query` by Hamming distance of sign bits. */
  nearestBinary(
    query: Float32Array,
    prefix: number,
    candidates: number,
    include: ((slot: number) => boolean) | undefined,
    widenFor?: number,
  ): Int32Array {
    const binary = this.ensureBinary(prefix);
    const size = this.slots.size;
    const queryCode = new Uint32Array(binary.words);
    encodeBinary(query, 0, prefix, queryCode, 0);
    const excluded = prefix + 1;
    const distances = new Uint16Array(size);
    hammingScan(binary.codes, binary.words, size, queryCode, distances, include, excluded);
    // A caller-fixed C is respected; the automatic one widens where the codes cannot tell
    // neighbours apart (see Widening).
    const widen =
      widenFor !== undefined ? { k: widenFor, bits: prefix, z: widenZ, maximum: maxWidenedCandidates } : undefined;
    return smallestDistances(distances, size, candidates, excluded, widen);
  }

  /** The `candidates` slots with the best int8 dot products. */
  nearestInt8(
    query: Float32Array,
    prefix: number,
    candidates: number,
    include: ((slot: number) => boolean) | undefined,
  ): Int32Array {
    const int8 = this.ensureInt8(prefix);
    const weights = int8QueryWeights(prefixOf(query, 0, prefix, this.slots.dimensions), int8.calibration);
    const top = new TopScores(candidates);
    int8Scan(int8.codes, prefix, this.slots.size, weights, include, (score, slot) => {
      if (score >= top.threshold) top.offer(score, slot);
    });
    return top.slotsBestFirst();
  }

  /** Builds the codes of one form now (so build cost can be measured apart from search). */
  ensure(form: CoarseForm, prefix: number): void {
    if (form === 'binary') this.ensureBinary(prefix);
    else this.ensureInt8(prefix);
  }

  /** Reader mode: codes for the configured form, calibrated beforehand for int8. */
  encodeEagerly(slot: number, source: Float32Array, offset: number): void {
    const { dimensions, size, capacity } = this.slots;
    if (this.form === 'binary') {
      if (!this.binary) this.binary = emptyBinary(this.prefix, capacity);
      encodeBinary(source, offset, this.prefix, this.binary.codes, slot * this.binary.words);
      this.binary.encodedSize = size;
      return;
    }
    if (!this.int8) {
      // Without stored vectors the first vector added is all there is to calibrate from;
      // callers in reader mode should add a representative batch first (see calibrateFrom).
      throw invalid('int8 codes in reader mode need calibrateFrom(sample) before the first add.');
    }
    const { calibration, codes } = this.int8;
    encodeInt8(prefixOf(source, offset, this.prefix, dimensions), calibration, codes, slot * this.prefix);
    this.int8.encodedSize = size;
  }

  /** Fixes the int8 calibration from a sample (n × dimensions values); later vectors are clamped to it. */
  calibrateFrom(sample: Float32Array): void {
    const { dimensions, capacity } = this.slots;
    const rows = Math.floor(sample.length / dimensions);
    this.int8 = calibratedInt8(sample, rows, this.prefix, dimensions, capacity, Number.POSITIVE_INFINITY);
  }

  /** The slot storage grew to `capacity` slots. */
  grow(capacity: number): void {
    if (this.binary) this.binary.codes = growArray(this.binary.codes, capacity * this.binary.words, Uint32Array);
    if (this.int8) this.int8.codes = growArray(this.int8.codes, capacity * this.int8.prefix, Int8Array);
  }

  /** A replaced vector's codes are stale: mark everything from its slot on for re-encoding. */
  invalidateFrom(slot: number): void {
    if (this.binary) this.binary.encodedSize = Math.min(this.binary.encodedSize, slot);
    if (this.int8) this.int8.encodedSize = Math.min(this.int8.encodedSize, slot);
  }

  /** Slot `from` moved into slot `to` (a removal's hole being filled). */
  move(from: number, to: number): void {
    for (const codes of [this.binary, this.int8]) {
      if (!codes) continue;
      const width = 'words' in codes ? codes.words : codes.prefix;
      if (from < codes.encodedSize) codes.codes.copyWithin(to * width, from * width, (from + 1) * width);
      else codes.encodedSize = Math.min(codes.encodedSize, to);
    }
  }

  private ensureBinary(prefix: number): BinaryCodes {
    const { vectors, dimensions, size, capacity } = this.slots;
    if (!this.binary || this.binary.prefix !== prefix) this.binary = emptyBinary(prefix, capacity);
    const binary = this.binary;
    if (vectors) {
      for (let slot = binary.encodedSize; slot < size; slot++) {
        encodeBinary(vectors, slot * dimensions, prefix, binary.codes, slot * binary.words);
      }
      binary.encodedSize = size;
    }
    return binary;
  }

  private ensureInt8(prefix: number): Int8Codes {
    const { vectors, dimensions, size, capacity } = this.slots;
    // Calibrate on first use and again whenever the index has grown 4× since, so the
    // scales follow the data; re-encoding is linear and amortized over the growth.
    if (!this.int8 || this.int8.prefix !== prefix || (vectors && size > 4 * this.int8.calibratedAt)) {
      if (!vectors) {
        if (!this.int8) throw invalid('int8 codes without fp32 in memory must be built while adding.');
        return this.int8;
      }
      this.int8 = calibratedInt8(vectors, size, prefix, dimensions, capacity, Math.max(1, size));
    }
    const int8 = this.int8;
    if (vectors) {
      for (let slot = int8.encodedSize; slot < size; slot++) {
        encodeInt8(
          prefixOf(vectors, slot * dimensions, prefix, dimensions),
          int8.calibration,
          int8.codes,
          slot * prefix,
        );
      }
      int8.encodedSize = size;
    }
    return int8;
  }
}

/** Empty int8 codes for `capacity` slots, calibrated on the first `rows` vectors of `source`. */
function calibratedInt8(
  source: Float32Array,
  rows: number,
  prefix: number,
  dimensions: number,
  capacity: number,
  calibratedAt: number,
): Int8Codes {
  const calibration = calibrateInt8(rows, prefix, (row, target) =>
    target.set(prefixOf(source, row * dimensions, prefix, dimensions)),
  );
  return { prefix, codes: new Int8Array(capacity * prefix), encodedSize: 0, calibration, calibratedAt };
}

function emptyBinary(prefix: number, capacity: number): BinaryCodes {
  const words = binaryWordsFor(prefix);
  return { prefix, words, codes: new Uint32Array(capacity * words), encodedSize: 0 };
}

/**
 * The first `prefix` values from `offset`, re-normalized to unit length (Matryoshka
 * truncation). The full vector is returned as a view when no truncation is asked for.
 */
function prefixOf(vectors: Float32Array, offset: number, prefix: number, dimensions: number): Float32Array {
  const view = vectors.subarray(offset, offset + prefix);
  if (prefix === dimensions) return view;
  let sumOfSquares = 0;
  for (let index = 0; index < prefix; index++) sumOfSquares += (view[index] as number) ** 2;
  const result = new Float32Array(prefix);
  if (sumOfSquares === 0) return result;
  const scale = 1 / Math.sqrt(sumOfSquares);
  for (let index = 0; index < prefix; index++) result[index] = (view[index] as number) * scale;
  return result;
}

export function invalid(message: string): GemmaRagError {
  return new GemmaRagError(errorCodes.invalidArgument, message);
}
