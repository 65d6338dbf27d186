import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generationModelFacts, generationModelWarning, instructionTunedName } from './generation-model-facts.js';
import type { GgufMetadataValue } from './gguf-header.js';

const metadata = (entries: Record<string, GgufMetadataValue>) => new Map(Object.entries(entries));

test('the PyPI Gemma 3 270M (no template, no -it anywhere) is pretrained, and the warning names the -it file', () => {
  const path = '/models/gemma-3-270m-q4_k_m.gguf';
  const facts = generationModelFacts(
    path,
    metadata({ 'general.architecture': 'gemma3', 'general.name': 'Gemma 3 270m', 'gemma3.context_length': 32768 }),
  );
  assert.equal(facts.tuning, 'pretrained');
  assert.equal(facts.chatTemplate, false);
  assert.equal(facts.contextLength, 32768);
  const warning = generationModelWarning(path, facts);
  assert.match(warning ?? '', /looks pretrained, not instruction-tuned/);
  assert.match(warning ?? '', /gemma-3-270m-it/);
});

test('instruction-tuned files are recognized by finetune, name or file name, and get no warning', () => {
  for (const [path, entries] of [
    ['/m/gemma-3-4b-it-Q4_K_M.gguf', { 'general.architecture': 'gemma3' }],
    ['/m/model.gguf', { 'general.architecture': 'gemma3', 'general.finetune': 'it' }],
    ['/m/model.gguf', { 'general.architecture': 'gemma3', 'general.name': 'Gemma 3 270m It' }],
    ['/m/qwen.gguf', { 'general.architecture': 'qwen2', 'general.name': 'Qwen2.5 7B Instruct' }],
  ] as const) {
    const facts = generationModelFacts(path, metadata({ ...entries, 'tokenizer.chat_template': { longString: 900 } }));
    assert.equal(facts.tuning, 'instruction-tuned', path);
    assert.equal(generationModelWarning(path, facts), undefined);
  }
});

test('"pt" or "base" in a name is pretrained even with a template; a template alone is unknown', () => {
  const base = generationModelFacts(
    '/m/gemma-3-1b-pt.gguf',
    metadata({ 'general.architecture': 'gemma3', 'tokenizer.chat_template': 'x' }),
  );
  assert.equal(base.tuning, 'pretrained');
  const unknown = generationModelFacts(
    '/m/model.gguf',
    metadata({ 'general.architecture': 'gemma3', 'tokenizer.chat_template': 'x' }),
  );
  assert.equal(unknown.tuning, 'unknown');
  assert.equal(generationModelWarning('/m/model.gguf', unknown), undefined);
});

test('the -it name keeps the family and size', () => {
  assert.equal(instructionTunedName('/x/gemma-3-270m-q4_k_m.gguf'), 'gemma-3-270m-it');
  assert.equal(instructionTunedName('gemma-3-4b-Q8_0.gguf'), 'gemma-3-4b-it');
  assert.equal(instructionTunedName('mystery.gguf'), 'mystery-it');
});
