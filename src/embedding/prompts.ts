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

/** `title: {title} | text: ` — the model card's recommended document prompt when a real title exists. */
export function documentPrompt(title: string | undefined): PromptChoice {
  return { kind: 'document', title: title?.trim() || 'none' };
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
      // A `|` inside the title would be read as the scaffold's separator.
      return `title: ${choice.title.replaceAll('|', '/')} | text: `;
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
