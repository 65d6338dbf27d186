import { basename } from 'node:path';
import type { GgufMetadataValue } from './gguf-header.js';

/** What a GGUF says about itself as an answering model: enough to tell a user they picked the wrong file. */
export interface GenerationModelFacts {
  architecture: string;
  name: string | undefined;
  /** Training context in tokens (`{arch}.context_length`). */
  contextLength: number | undefined;
  /** Whether the file carries `tokenizer.chat_template`. */
  chatTemplate: boolean;
  tuning: 'instruction-tuned' | 'pretrained' | 'unknown';
  /** Why `tuning` was concluded, in words. */
  evidence: string;
}

// "-it", "_it", " It", "instruct", "chat" as a word: how instruction-tuned Gemma files and
// converted repositories are named (gemma-3-4b-it, "Gemma 3 270m It", Qwen2.5-7B-Instruct).
const instructionMarker = /(^|[-_\s.])(it|instruct|instruction|chat)([-_\s.]|$)/i;
const pretrainedMarker = /(^|[-_\s.])(pt|base|pretrained)([-_\s.]|$)/i;

const text = (value: GgufMetadataValue | undefined) => (typeof value === 'string' ? value : undefined);

export function generationModelFacts(
  path: string,
  metadata: ReadonlyMap<string, GgufMetadataValue>,
): GenerationModelFacts {
  const architecture = text(metadata.get('general.architecture')) ?? 'unknown';
  const name = text(metadata.get('general.name'));
  const contextLength = metadata.get(`${architecture}.context_length`);
  const chatTemplate = metadata.has('tokenizer.chat_template');
  const labels = [
    ['general.finetune', text(metadata.get('general.finetune'))],
    ['general.name', name],
    ['general.basename', text(metadata.get('general.basename'))],
    ['file name', basename(path).replace(/\.gguf$/i, '')],
  ].filter((entry): entry is [string, string] => entry[1] !== undefined);
  const instruction = labels.find(([, value]) => instructionMarker.test(value));
  const pretrained = labels.find(([, value]) => pretrainedMarker.test(value));
  let tuning: GenerationModelFacts['tuning'];
  let evidence: string;
  if (instruction) {
    tuning = 'instruction-tuned';
    evidence = `${instruction[0]} "${instruction[1]}" marks an instruction-tuned model${chatTemplate ? ', and it has a chat template' : ''}`;
  } else if (pretrained || !chatTemplate) {
    tuning = 'pretrained';
    evidence = pretrained
      ? `${pretrained[0]} "${pretrained[1]}" marks a pretrained (base) model`
      : `no chat template, and nothing in its name (${labels.map(([, value]) => `"${value}"`).join(', ')}) says -it or instruct`;
  } else {
    tuning = 'unknown';
    evidence = 'it has a chat template, but its name does not say whether it is instruction-tuned';
  }
  return {
    architecture,
    name,
    contextLength: typeof contextLength === 'number' ? contextLength : undefined,
    chatTemplate,
    tuning,
    evidence,
  };
}

/** The instruction-tuned file a user most likely meant, e.g. gemma-3-270m-q4_k_m.gguf → gemma-3-270m-it. */
export function instructionTunedName(path: string): string {
  const stem = basename(path).replace(/\.gguf$/i, '');
  const size = /^(.*?\d+(\.\d+)?[bm])(?=[-_.]|$)/i.exec(stem)?.[1];
  return `${size ?? stem}-it`;
}

/** The one plain warning `ask`, `serve` and `doctor` give for an answering model that will not answer. */
export function generationModelWarning(path: string, facts: GenerationModelFacts): string | undefined {
  if (facts.tuning === 'instruction-tuned') return undefined;
  const meant = instructionTunedName(path);
  if (facts.tuning === 'pretrained') {
    return `The answering model ${basename(path)} looks pretrained, not instruction-tuned (${facts.evidence}): it continues text instead of answering questions. Use the instruction-tuned file, e.g. ${meant} (GGUF: ggml-org/${meant}-GGUF), or the default Gemma 3 4B it (gemma-rag pull generation).`;
  }
  if (!facts.chatTemplate) {
    return `The answering model ${basename(path)} has no chat template; gemma-rag formats prompts as ${facts.architecture} expects, but check that it is instruction-tuned (e.g. ${meant}).`;
  }
  return undefined;
}
