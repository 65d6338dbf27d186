import { digitNumbers, statedNumbers } from '../text/numbers.js';
import { webAddresses } from '../text/web-addresses.js';

/**
 * The numbers an answer states that neither its documents nor the question state, however
 * either writes them (digits, 十二, twelve). A real 0.5B instruct model fills a gap in its
 * documents with a made-up number ("会议室的 Wi-Fi 密码是 1234567890。", docs/answers.md) — the
 * most harmful kind of invented answer, and the one that can be checked without another model.
 * A number worked out from the documents (a difference of two years) is also reported: the
 * answer then says more than its documents do.
 */
export function ungroundedNumbers(answer: string, sources: readonly string[]): string[] {
  const stated = new Set(sources.flatMap((source) => [...statedNumbers(source)]));
  const numbers = digitNumbers(answer);
  // An answer cut off by the token limit in the middle of a number ("…以及他为19") ends with
  // the start of one: it is grounded when a stated number starts with it.
  const open = /\d$/u.test(answer.normalize('NFKC').trimEnd()) ? numbers.at(-1) : undefined;
  const grounded = (number: string) =>
    stated.has(number) || (number === open && [...stated].some((known) => known.startsWith(number)));
  return [...new Set(numbers)].filter((number) => !grounded(number));
}

/**
 * The web and mail addresses an answer gives that its sources do not: a made-up link sends a
 * reader somewhere no document named. Sources are what the model was shown, so a link in a
 * sentence taken out as a planted instruction is not grounded either.
 */
export function ungroundedAddresses(answer: string, sources: readonly string[]): string[] {
  const stated = new Set(sources.flatMap((source) => webAddresses(source)));
  return [...new Set(webAddresses(answer))].filter((address) => !stated.has(address));
}

/** Everything an answer states that its sources do not: numbers, then addresses. */
export function ungroundedFacts(answer: string, sources: readonly string[]): string[] {
  return [...ungroundedAddresses(answer, sources), ...ungroundedNumbers(answer, sources)];
}
