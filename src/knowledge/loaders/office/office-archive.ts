import type { LoadResult } from '../../../spec/document-loader.js';
import type { TextSection } from '../../../spec/source-location.js';
import { fileTitle } from '../file-title.js';
import { documentFromSections } from '../sections.js';
import { defaultZipLimits, unzipBounded, ZipProblem } from './bounded-zip.js';
import { firstElementText } from './xml-events.js';

/** Images, fonts and embedded files carry no text to index; leaving them packed saves the work. */
export function isTextPart(name: string): boolean {
  return (
    !/(^|\/)(media|embeddings|fonts|Pictures|Thumbnails)\//i.test(name) &&
    !/\.(png|jpe?g|gif|bmp|tiff?|emf|wmf|svg|bin|ttf|odttf)$/i.test(name)
  );
}

/** The compound-file header that encrypted OOXML files and the old .doc/.xls/.ppt formats share. */
const compoundFileMagic = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/**
 * The text parts of an Office (OOXML or OpenDocument) archive, or a reason to skip it that a
 * person can act on. `required` is the part without which the file is not of this format.
 */
export function openOfficeArchive(
  bytes: Uint8Array,
  format: string,
  required: string,
  maxInflatedBytes: number = defaultZipLimits.maxTotalBytes,
): { entries: Map<string, Uint8Array> } | { problem: string } {
  if (compoundFileMagic.every((byte, index) => bytes[index] === byte)) {
    return {
      problem: `password-protected, or an old binary Office file; save it as an unprotected ${format} file to ingest it`,
    };
  }
  try {
    const entries = unzipBounded(bytes, isTextPart, { ...defaultZipLimits, maxTotalBytes: maxInflatedBytes });
    if (!entries.has(required)) return { problem: `not a ${format} file (it has no ${required})` };
    return { entries };
  } catch (error) {
    if (error instanceof ZipProblem) return { problem: `not a valid ${format} file: ${error.message}` };
    throw error;
  }
}

/**
 * A text document (Word, OpenDocument, PowerPoint) from its sections, titled by its metadata
 * part's `dc:title`, else its first heading, else the file name.
 */
export function officeDocument(
  input: { path: string; fileName?: string | undefined; defaultCategory: string },
  entries: ReadonlyMap<string, Uint8Array>,
  metadataPart: string,
  sections: readonly TextSection[],
): LoadResult {
  const title =
    firstElementText(entries.get(metadataPart), 'dc:title') ??
    sections.find((section) => section.location.headings)?.location.headings?.[0] ??
    fileTitle(input.fileName ?? input.path);
  return {
    documents: [documentFromSections({ category: input.defaultCategory, title, source: input.path }, sections)],
    skipped: [],
  };
}
