#!/usr/bin/env node
// Writes data/gemma3-vocabulary.gguf: the tokenizer of a Gemma 3 / EmbeddingGemma GGUF without
// its weights (every metadata key but the chat template, no tensors). node-llama-cpp loads it
// with `vocabOnly` to count tokens exactly as llama.cpp does when no model is loaded (the
// lexical and HTTP engines), in 6.5 MB instead of a 242 MB tokenizer package.
//
//   node scripts/write-gemma3-vocabulary.mjs embeddinggemma-300m-q8_0.gguf [data/gemma3-vocabulary.gguf]
//
// The GGUF layout (v3): "GGUF", version u32, tensor count u64, key count u64, then each key
// (string), its type (u32) and value; tensor descriptions and data follow and are left out.
import { closeSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';

const [source, target = 'data/gemma3-vocabulary.gguf'] = process.argv.slice(2);
if (!source) {
  console.error('usage: write-gemma3-vocabulary.mjs MODEL.gguf [OUTPUT.gguf]');
  process.exit(2);
}

const file = openSync(source, 'r');
// The metadata sits at the front of the file; 64 MB holds any tokenizer.
const length = Math.min(fstatSync(file).size, 64 << 20);
const bytes = Buffer.alloc(length);
readSync(file, bytes, 0, length, 0);
closeSync(file);

if (bytes.toString('latin1', 0, 4) !== 'GGUF') throw new Error(`${source} is not a GGUF file`);
const version = bytes.readUInt32LE(4);
const keyCount = Number(bytes.readBigUInt64LE(16));
const stringType = 8;
const arrayType = 9;
const scalarSizes = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

let offset = 24;
const readString = () => {
  const size = Number(bytes.readBigUInt64LE(offset));
  const text = bytes.toString('utf8', offset + 8, offset + 8 + size);
  offset += 8 + size;
  return text;
};
const skipValue = (type) => {
  if (type === stringType) return void readString();
  if (type === arrayType) {
    const elementType = bytes.readUInt32LE(offset);
    const count = Number(bytes.readBigUInt64LE(offset + 4));
    offset += 12;
    if (elementType === stringType) for (let index = 0; index < count; index++) readString();
    else offset += scalarSizes[elementType] * count;
    return;
  }
  const size = scalarSizes[type];
  if (size === undefined) throw new Error(`unknown GGUF value type ${type}`);
  offset += size;
};

const kept = [];
const keys = [];
for (let index = 0; index < keyCount; index++) {
  const start = offset;
  const key = readString();
  const type = bytes.readUInt32LE(offset);
  offset += 4;
  skipValue(type);
  // The chat template belongs to answering models; the vocabulary is what counting needs.
  if (key === 'tokenizer.chat_template') continue;
  kept.push(bytes.subarray(start, offset));
  keys.push(key);
}
if (!keys.includes('tokenizer.ggml.tokens')) throw new Error(`${source} has no tokenizer.ggml.tokens`);

const header = Buffer.alloc(24);
header.write('GGUF', 0, 'latin1');
header.writeUInt32LE(version, 4);
header.writeBigUInt64LE(0n, 8);
header.writeBigUInt64LE(BigInt(kept.length), 16);
const body = Buffer.concat([header, ...kept]);
const padding = Buffer.alloc((32 - (body.length % 32)) % 32);
writeFileSync(target, Buffer.concat([body, padding]));
console.log(`${target}: ${kept.length} keys, ${body.length + padding.length} bytes`);
