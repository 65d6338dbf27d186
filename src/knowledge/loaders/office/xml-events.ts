import { SaxesParser } from 'saxes';

export interface XmlHandlers {
  open?: (name: string, attributes: Readonly<Record<string, string>>) => void;
  close?: (name: string) => void;
  text?: (text: string) => void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Streams an XML part of an Office file through saxes, with names as written (`w:p`,
 * `text:h`). saxes never expands entities declared in a DTD, so "billion laughs" files fail
 * as malformed instead of filling memory; any malformed XML throws, and the loader skips the
 * file with the parser's message.
 */
export function readXml(bytes: Uint8Array, handlers: XmlHandlers): void {
  const parser = new SaxesParser();
  parser.on('error', (error) => {
    throw error;
  });
  if (handlers.open) {
    const open = handlers.open;
    parser.on('opentag', (tag) => open(tag.name, tag.attributes));
  }
  if (handlers.close) {
    const close = handlers.close;
    parser.on('closetag', (tag) => close(tag.name));
  }
  if (handlers.text) {
    parser.on('text', handlers.text);
    parser.on('cdata', handlers.text);
  }
  parser.write(utf8.decode(bytes)).close();
}

/** The text of the first element named `name`, e.g. `dc:title` in docProps/core.xml or meta.xml. */
export function firstElementText(bytes: Uint8Array | undefined, name: string): string | undefined {
  if (!bytes) return undefined;
  let depth = 0;
  let text = '';
  let done = false;
  try {
    readXml(bytes, {
      open: (tag) => {
        if (!done && (depth > 0 || tag === name)) depth++;
      },
      close: () => {
        if (depth > 0 && --depth === 0) done = true;
      },
      text: (chunk) => {
        if (depth > 0 && !done) text += chunk;
      },
    });
  } catch {
    // Damaged metadata should not cost the document its text.
    return undefined;
  }
  const cleaned = text.replace(/\s+/g, ' ').trim();
  return cleaned === '' ? undefined : cleaned;
}
