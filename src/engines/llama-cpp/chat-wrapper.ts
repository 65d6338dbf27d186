import type { ChatWrapper } from 'node-llama-cpp';

/**
 * The chat format for a generation model. node-llama-cpp recognizes Gemma 3 by itself
 * (its Gemma wrapper folds the system message into the first user turn, since Gemma 3
 * has no system role). Gemma 4 gets its wrapper explicitly with reasoning off: it would
 * otherwise think aloud before a grounded answer that should be short and direct.
 */
export async function chatWrapperFor(architecture: string): Promise<'auto' | ChatWrapper> {
  if (architecture !== 'gemma4') return 'auto';
  const { Gemma4ChatWrapper } = await import('node-llama-cpp');
  return new Gemma4ChatWrapper({ reasoning: false });
}
