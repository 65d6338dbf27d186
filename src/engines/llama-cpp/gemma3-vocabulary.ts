import { fileURLToPath } from 'node:url';
import type { LlamaModel } from 'node-llama-cpp';
import { anyLlamaRuntime, loadFailure, withLlamaLog } from './llama-runtime.js';

/**
 * The Gemma 3 tokenizer (262,144 tokens, shared by EmbeddingGemma) for engines that have none
 * of their own (lexical, Ollama, OpenAI-compatible servers): the vocabulary of the EmbeddingGemma
 * GGUF without its weights (6.5 MB; scripts/write-gemma3-vocabulary.mjs), loaded by llama.cpp
 * with `vocabOnly`. It therefore counts exactly as the llama-cpp engine does with the model
 * loaded, and as Hugging Face's tokenizer (test/real/parity.test.ts). Loaded on first use only.
 */
export const gemma3VocabularyPath = fileURLToPath(new URL('../../../data/gemma3-vocabulary.gguf', import.meta.url));

let vocabulary: Promise<LlamaModel> | undefined;

function loadVocabulary(): Promise<LlamaModel> {
  vocabulary ??= (async () => {
    // A vocabulary needs no GPU: the binding already loaded, else the CPU one (no probing).
    const llama = await anyLlamaRuntime();
    try {
      return await withLlamaLog(() => llama.loadModel({ modelPath: gemma3VocabularyPath, vocabOnly: true }));
    } catch (error) {
      throw loadFailure(gemma3VocabularyPath, error);
    }
  })();
  // A failed load is not cached: the next call tries again.
  vocabulary.catch(() => {
    vocabulary = undefined;
  });
  return vocabulary;
}

/**
 * Tokens per text as EmbeddingGemma sees them: the text plus `<bos>` and `<eos>` (so an empty
 * text is 2). Special-token strings inside a text (`<start_of_turn>`) count as the one token
 * Hugging Face's tokenizer makes of them.
 */
export async function countGemmaTokens(texts: readonly string[]): Promise<number[]> {
  if (texts.length === 0) return [];
  const model = await loadVocabulary();
  return texts.map((text) => (text === '' ? 0 : model.tokenize(text, true).length) + 2);
}
