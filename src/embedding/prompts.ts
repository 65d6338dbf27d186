import { errorCodes, GemmaRagError } from '../spec/errors.js';
import type { ModelProfile } from './model-profiles.js';

/** How to prefix one input: a named prompt, a literal prompt string, or a document title. */
export type PromptChoice =
  | { kind: 'named'; name: string }
  | { kind: 'custom'; prefix: string }
  | { kind: 'document'; title: string }
  | { kind: 'none' };

export const noPrompt: PromptChoice = { kind: 'none' };

export function namedPrompt(name: string): PromptChoice {
  return { kind: 'named', name };
}

/** Longer titles are cut (with `…`) where they enter a prompt: a title names, the text tells. */
export const maxPromptTitleCharacters = 200;

/**
 * A title as it may appear in a prompt: whitespace (a newline from a file name, say) folded
 * to single spaces, `|` (the scaffold's separator) replaced by `/`, at most 200 characters
 * (a 5,000-word title would leave no room for the text), and `none` — the model card's word
 * for no title — when nothing is left. The one place a title is made fit for a prompt:
 * document embeddings and the grounded answer prompt both use it.
 */
export function promptTitle(title: string | undefined): string {
  const folded = title?.replace(/\s+/g, ' ').replaceAll('|', '/').trim() || 'none';
  const characters = Array.from(folded);
  return characters.length > maxPromptTitleCharacters
    ? `${characters.slice(0, maxPromptTitleCharacters).join('').trimEnd()}…`
    : folded;
}

/** `title: {title} | text: ` — the model card's recommended document prompt when a real title exists. */
export function documentPrompt(title: string | undefined): PromptChoice {
  return { kind: 'document', title: promptTitle(title) };
}

/** Every prompt name the profile answers to: its table, then the card's unnamed extras. */
export function promptNames(profile: ModelProfile): string[] {
  return [...Object.keys(profile.prompts), ...Object.keys(profile.extraPrompts)];
}

export function resolvePromptPrefix(profile: ModelProfile, choice: PromptChoice): string {
  switch (choice.kind) {
    case 'none':
      return '';
    case 'custom':
      return choice.prefix;
    case 'document':
      return `title: ${promptTitle(choice.title)} | text: `;
    case 'named': {
      const prefix = profile.prompts[choice.name] ?? profile.extraPrompts[choice.name];
      if (prefix === undefined) {
        throw new GemmaRagError(
          errorCodes.unknownPrompt,
          `Unknown prompt name "${choice.name}" for ${profile.displayName}. Known names: ${promptNames(profile).join(', ')}.`,
          { data: { name: choice.name, profile: profile.id, known: promptNames(profile) } },
        );
      }
      return prefix;
    }
  }
}
