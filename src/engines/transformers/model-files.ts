import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { lineAndColumn, locateJsonSyntaxError } from '../../util/parse-json.js';

// Real files: config.json ~2 KB, tokenizer_config.json ~1.2 MB (Gemma lists its 6,000+ added tokens).
const maxConfigBytes = 1 << 20;
const maxTokenizerConfigBytes = 64 << 20;

/** Minimal and forgiving: what transformers.js needs to pick a model class; the rest is its business. */
const configSchema = z.looseObject({ model_type: z.string().min(1) });
const tokenizerConfigSchema = z.looseObject({});

/**
 * Checks the files transformers.js would read, before it reads them: JSON that parses into
 * the expected shape, a tokenizer that is not cut short, and an ONNX file that is a
 * protobuf ModelProto. A bad file is refused as MODEL_INCOMPATIBLE naming it and the fault,
 * instead of surfacing as an engine failure from deep inside transformers.js or onnxruntime.
 */
export async function checkModelFiles(
  folder: string,
  onnxFile: string,
  options: { downloaded?: boolean } = {},
): Promise<void> {
  await readJsonFile(join(folder, 'config.json'), maxConfigBytes, configSchema);
  const tokenizerConfig = join(folder, 'tokenizer_config.json');
  if (await isFile(tokenizerConfig))
    await readJsonFile(tokenizerConfig, maxTokenizerConfigBytes, tokenizerConfigSchema);
  await checkTokenizerJson(join(folder, 'tokenizer.json'), options.downloaded ?? false);
  await checkOnnxFile(join(folder, onnxFile));
}

function incompatible(path: string, reason: string, cause?: unknown): GemmaRagError {
  return new GemmaRagError(errorCodes.modelIncompatible, `${path} is not a usable model file: ${reason}.`, {
    data: { path, reason },
    cause,
  });
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function readJsonFile(path: string, maxBytes: number, schema: z.ZodType): Promise<void> {
  const info = await stat(path);
  if (!info.isFile()) throw incompatible(path, 'it is not a regular file');
  if (info.size > maxBytes) throw incompatible(path, `it is ${info.size} bytes; at most ${maxBytes} are expected`);
  const text = (await readBytes(path, 0, info.size)).toString('utf8').replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const found = locateJsonSyntaxError(text);
    throw incompatible(
      path,
      `it is not valid JSON${found ? ` (${found.problem} at ${lineAndColumn(text, found.offset)})` : ''}`,
      error,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'the whole file'}: ${issue.message}`,
    );
    throw incompatible(path, problems.join('; '), parsed.error);
  }
}

/**
 * tokenizer.json runs to tens of MB, and transformers.js parses it anyway: only check that
 * it is a whole JSON object (a truncated download ends mid-way), without parsing it twice.
 */
async function checkTokenizerJson(path: string, downloaded: boolean): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new GemmaRagError(
      errorCodes.modelNotFound,
      `${path} is missing: the model folder needs its tokenizer (tokenizer.json and tokenizer_config.json).${
        downloaded ? ' The download may be incomplete: run again with --pull to fetch the rest.' : ''
      }`,
      { data: { path, missing: 'tokenizer.json' } },
    );
  }
  if (!info.isFile()) throw incompatible(path, 'it is not a regular file');
  const window = Math.min(info.size, 4096);
  const head = (await readBytes(path, 0, window)).toString('utf8').trimStart();
  const tail = (await readBytes(path, info.size - window, window)).toString('utf8').trimEnd();
  if (!head.startsWith('{') || !tail.endsWith('}')) {
    throw incompatible(path, 'it is not a whole JSON object (cut short, or not a tokenizer)');
  }
}

async function checkOnnxFile(path: string): Promise<void> {
  const info = await stat(path);
  if (!info.isFile()) throw incompatible(path, 'it is not a regular file');
  // A ModelProto starts with field 1, ir_version, as a varint: tag byte 0x08.
  const [first] = await readBytes(path, 0, Math.min(info.size, 1));
  if (first !== 0x08) {
    throw incompatible(path, info.size === 0 ? 'it is empty' : 'it is not an ONNX model (no ModelProto header)');
  }
}

async function readBytes(path: string, position: number, length: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
