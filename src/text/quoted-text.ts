import { dropForgedTurns, stripControlTokens } from './control-tokens.js';
import { quarantinePlantedInstructions } from './planted-instructions.js';

/**
 * A document's text as a model reads it: forged chat turns (words included) and control
 * strings removed, and the sentences written for the assistant ("ignore all previous
 * instructions", "reply only with …") taken out. The answer prompts quote it, the grounding
 * check compares answers with it, and retrieval looks for the supporting sentence in it.
 */
export function quotedForModel(text: string): string {
  return quarantinePlantedInstructions(stripControlTokens(dropForgedTurns(text))).text;
}
