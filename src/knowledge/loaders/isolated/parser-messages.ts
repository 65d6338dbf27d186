import type { DocumentLoader, LoaderInput, LoadResult } from '../../../spec/document-loader.js';

/** Parent → worker: parse this file with the loader of this format. */
export interface ParseRequest {
  id: number;
  format: DocumentLoader['format'];
  input: LoaderInput;
}

/** Worker → parent: what the loader returned, or the message of what it threw. */
export type ParseReply = { id: number; result: LoadResult } | { id: number; failure: string };
