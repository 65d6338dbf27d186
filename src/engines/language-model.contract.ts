import assert from 'node:assert/strict';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import type { ChatMessage, LanguageModel } from '../spec/language-model.js';
import { contractCase } from '../testing/contract-case.js';

export const languageContractCases = [
  'streams at least one chunk',
  'an aborted signal',
  'abort after the first chunk',
  'system and user messages reach the model',
] as const;
export type LanguageContractCase = (typeof languageContractCases)[number];

export interface LanguageModelContractOptions {
  /** Creates a ready model; called once per case, and disposed after it. */
  create: () => Promise<LanguageModel>;
  /**
   * The messages the model last received, as the engine sent them, when the test can see
   * them (a fake server). Without it, the case that needs it is skipped.
   */
  receivedMessages?: () => readonly { role: string; content: string }[] | undefined;
  /** Cases that do not apply to this engine, each with the reason. */
  skips?: Partial<Record<LanguageContractCase, string>>;
}

const messages: ChatMessage[] = [
  { role: 'system', content: 'Answer only from the context. Context: the office opens at 9.' },
  { role: 'user', content: 'When does the office open? 日本語で答えて。' },
];

async function assertAborted(run: () => Promise<unknown>): Promise<void> {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(GemmaRagError.isInstance(error), `not a GemmaRagError: ${String(error)}`);
    assert.equal(error.code, errorCodes.aborted);
    return true;
  });
}

/** The behaviour every LanguageModel must have; each engine's test file calls this. */
export function languageModelContract(name: string, options: LanguageModelContractOptions): void {
  const skips: Partial<Record<LanguageContractCase, string>> = options.skips ?? {};
  const withModel = (title: LanguageContractCase, body: (model: LanguageModel) => Promise<void>) => {
    const skip =
      skips[title] ??
      (title === 'system and user messages reach the model' && !options.receivedMessages
        ? 'no way to observe what the model received'
        : undefined);
    contractCase(`${name}: ${title}`, skip, options.create, (model) => model.dispose(), body);
  };

  withModel('streams at least one chunk', async (model) => {
    const chunks: string[] = [];
    for await (const chunk of model.generate({ messages, maxTokens: 8 })) chunks.push(chunk);
    assert.ok(chunks.length >= 1, 'no chunks');
    assert.ok(chunks.every((chunk) => typeof chunk === 'string'));
    assert.ok(chunks.join('').length > 0, 'empty answer');
  });

  withModel('an aborted signal', async (model) => {
    const controller = new AbortController();
    controller.abort();
    await assertAborted(async () => {
      for await (const _chunk of model.generate({ messages, maxTokens: 8, abortSignal: controller.signal })) {
        // nothing may arrive
      }
    });
  });

  withModel('abort after the first chunk', async (model) => {
    const controller = new AbortController();
    let received = 0;
    await assertAborted(async () => {
      for await (const _chunk of model.generate({ messages, maxTokens: 64, abortSignal: controller.signal })) {
        received += 1;
        controller.abort();
      }
    });
    assert.equal(received, 1, 'chunks kept coming after the abort');
  });

  withModel('system and user messages reach the model', async (model) => {
    for await (const _chunk of model.generate({ messages, maxTokens: 8 })) {
      // drain
    }
    const received = options.receivedMessages?.() ?? [];
    const everything = received.map((message) => message.content).join('\n');
    for (const message of messages) {
      assert.ok(everything.includes(message.content), `${message.role} message missing`);
    }
  });
}
