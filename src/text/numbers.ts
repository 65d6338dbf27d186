/**
 * The numbers a text states, as canonical strings ("1,000" → "1000", "２０１５" → "2015",
 * "十二" → "12", "twenty-five" → "25", "third" → "3"), so that an answer's numbers can be looked up
 * in its sources whichever way either writes them.
 */

const digitRun = /\d+(?:\.\d+)?/gu;
/** A list marker at the start of a line ("1. ", "2) ", "3、"): numbering, not a stated number. */
const listMarker = /^[ \t]*\d{1,2}(?:[.)][ \t]|、)/gmu;
const hasListMarker = new RegExp(listMarker.source, 'mu');
const cutMarker = /\n[ \t]*\d{1,2}[.)]?[ \t]*$/u;

/** The numbers written with digits, list markers left out. */
export function digitNumbers(text: string): string[] {
  const normalized = text.normalize('NFKC');
  // In a numbered list, a last line holding only a number is the next marker, cut off by the token limit.
  const unlisted = hasListMarker.test(normalized) ? normalized.replace(cutMarker, '') : normalized;
  const plain = unlisted.replace(listMarker, ' ').replace(/(\d)[,，'](?=\d{3}(?!\d))/gu, '$1');
  return [...plain.matchAll(digitRun)].map((match) => canonical(match[0]));
}

/** Every number a source states: digits, Chinese/Japanese numerals, English number words. */
export function statedNumbers(text: string): Set<string> {
  const normalized = text.normalize('NFKC');
  return new Set([...digitNumbers(normalized), ...cjkNumbers(normalized), ...englishNumbers(normalized)]);
}

function canonical(number: string): string {
  const [whole = '0', fraction] = number.split('.');
  const trimmedWhole = whole.replace(/^0+(?=\d)/u, '');
  const trimmedFraction = fraction?.replace(/0+$/u, '');
  return trimmedFraction ? `${trimmedWhole}.${trimmedFraction}` : trimmedWhole;
}

const cjkDigits: Record<string, number> = {
  〇: 0,
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  兩: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const cjkUnits: Record<string, number> = {
  十: 10,
  百: 100,
  千: 1000,
  万: 10_000,
  萬: 10_000,
  亿: 100_000_000,
  億: 100_000_000,
};

function cjkNumbers(text: string): string[] {
  const found: string[] = [];
  for (const [run] of text.matchAll(/[〇零一二两兩三四五六七八九十百千万萬亿億]+/gu)) {
    const value = parseCjk(run);
    if (value !== null) found.push(String(value));
    // "二〇二三" read digit by digit, as years are.
    if ([...run].every((char) => char in cjkDigits)) found.push([...run].map((char) => cjkDigits[char]).join(''));
  }
  return found;
}

function parseCjk(run: string): number | null {
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  for (const char of run) {
    const value = cjkDigits[char];
    if (value !== undefined) {
      digit = value;
      continue;
    }
    const unit = cjkUnits[char];
    if (unit === undefined) return null;
    if (unit >= 10_000) {
      total += (section + (digit ?? 0)) * unit;
      section = 0;
    } else {
      section += (digit ?? 1) * unit;
    }
    digit = null;
  }
  return total + section + (digit ?? 0);
}

const smallWords = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const tensWords = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ordinalWords = [
  '',
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
  'eleventh',
  'twelfth',
];
const wordValues = new Map<string, number>([
  ...smallWords.map((word, value) => [word, value] as [string, number]),
  ...tensWords.flatMap((word, tens) => (word ? [[word, tens * 10] as [string, number]] : [])),
  ...ordinalWords.flatMap((word, value) => (word ? [[word, value] as [string, number]] : [])),
  ['dozen', 12],
  // Months: "April 1991" is stated as 1991年4月 in a Chinese answer. "may" and "march" as verbs
  // then ground a 5 or a 3 too: the check errs towards keeping an answer.
  ...[
    'january',
    'february',
    'march',
    'april',
    'may',
    'june',
    'july',
    'august',
    'september',
    'october',
    'november',
    'december',
  ].map((month, index) => [month, index + 1] as [string, number]),
  ['half', 0.5],
]);
const scaleWords = new Map([
  ['hundred', 100],
  ['thousand', 1000],
  ['million', 1_000_000],
  ['billion', 1_000_000_000],
]);

function englishNumbers(text: string): string[] {
  const found: string[] = [];
  const words = text.toLowerCase().match(/[a-z]+/gu) ?? [];
  let value: number | null = null;
  const flush = () => {
    if (value !== null) found.push(String(value));
    value = null;
  };
  for (const word of words) {
    const small = wordValues.get(word);
    const scale = scaleWords.get(word);
    if (small !== undefined) {
      value = (value ?? 0) + small;
      found.push(String(small));
    } else if (scale !== undefined) {
      // "1.5 million" keeps its digits; "three million" becomes 3000000 as well as 3.
      value = (value ?? 1) * scale;
    } else if (word !== 'and') {
      flush();
    }
  }
  flush();
  return found;
}
