import { errorCodes, GemmaRagError } from '../../spec/errors.js';

/** Debian names the language packs after tesseract's codes: `chi_sim` → `tesseract-ocr-chi-sim`. */
export function debianPackageFor(language: string): string {
  return `tesseract-ocr-${language.replace(/_/g, '-').toLowerCase()}`;
}

export const ocrInstallHint =
  'install tesseract and pdftoppm to read them with OCR (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-jpn poppler-utils; macOS: brew install tesseract tesseract-lang poppler)';

/** `--ocr-languages eng+chi_sim` (tesseract's own syntax) or `eng,chi_sim`; codes are checked, not trusted. */
export function parseOcrLanguages(value: string): string[] {
  const languages = value
    .split(/[+,\s]+/)
    .map((language) => language.trim())
    .filter(Boolean);
  const invalid = languages.find((language) => !/^[A-Za-z][A-Za-z_]{1,31}$/.test(language));
  if (languages.length === 0 || invalid !== undefined) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `--ocr-languages takes tesseract language codes such as "eng+chi_sim+jpn"; got "${value}".`,
    );
  }
  return [...new Set(languages)];
}

const kana = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const han = /\p{Script=Han}/u;
const hangul = /\p{Script=Hangul}/u;

/**
 * Languages for a document's scanned pages, from what the document says of itself: the text
 * of its other pages, its title and file name. Japanese is told from Chinese by its kana.
 * English is always included, since manuals in any language carry English terms; with no
 * hint at all, every installed one of English, Chinese and Japanese is tried.
 */
export function languagesFromText(hint: string, installed: ReadonlySet<string>): string[] {
  const wanted: string[] = [];
  if (kana.test(hint)) wanted.push('jpn');
  else if (han.test(hint)) wanted.push('chi_sim');
  if (hangul.test(hint)) wanted.push('kor');
  if (wanted.length === 0 && !/\p{Letter}/u.test(hint)) wanted.push('chi_sim', 'jpn');
  wanted.push('eng');
  const available = wanted.filter((language) => installed.has(language));
  return available.length > 0 ? available : ['eng'];
}

/**
 * Tesseract puts spaces between CJK characters when a Latin model runs alongside; Chinese and
 * Japanese are written without them, and keyword search pairs adjacent characters.
 */
export function joinCjkSpacing(text: string): string {
  const cjk = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}ー。、，！？；：（）「」';
  return text.replace(new RegExp(`(?<=[${cjk}]) +(?=[${cjk}])`, 'gu'), '');
}
