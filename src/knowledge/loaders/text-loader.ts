import type { DocumentLoader, LoadResult } from '../../spec/document-loader.js';
import { fileTitle } from './file-title.js';

/** Plain text carries no title, so the file name is the title. */
export const textLoader: DocumentLoader = {
  format: 'plain text',
  extensions: ['.txt'],
  needsText: true,
  async load({ path, fileName, text, defaultCategory }): Promise<LoadResult> {
    const content = text.replace(/^\uFEFF/, '').trim();
    return {
      documents: [{ category: defaultCategory, title: fileTitle(fileName ?? path), content, source: path }],
      skipped: [],
    };
  },
};
