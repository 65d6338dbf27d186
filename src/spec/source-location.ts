/** An inclusive range of 1-based numbers (pages, slides, rows). */
export interface NumberRange {
  from: number;
  to: number;
}

export interface PageStart {
  page: number;
  offset: number;
}

/**
 * Where in its file a piece of text came from, so a citation can send a reader to the place
 * instead of to "chunk 3". Every field is optional: a format fills in what it knows.
 */
export interface SourceLocation {
  /** PDF pages. */
  pages?: NumberRange;
  /**
   * For text spanning several pages: where in it each page after the first begins (a character
   * offset), so a citation can name the page a quoted passage is on.
   */
  pageStarts?: readonly PageStart[];
  /** Presentation slides. */
  slides?: NumberRange;
  /** Headings from the outermost in, e.g. `["3 Leave", "3.2 Annual leave"]`. */
  headings?: readonly string[];
  /** Spreadsheet sheet name. */
  sheet?: string;
  /** Spreadsheet rows as the sheet numbers them (the header row included in the count). */
  rows?: NumberRange;
}

/** A stretch of running text that shares one location (a page, a slide, the text under a heading). */
export interface TextSection {
  kind: 'text';
  text: string;
  location: SourceLocation;
}

/** One row of a table, with the number the sheet gives it. */
export interface TableRow {
  number: number;
  text: string;
}

/**
 * Rows under a header: chunked as groups of whole rows, each group repeating the header, so a
 * single row can be found and still read with its column names.
 */
export interface TableSection {
  kind: 'table';
  header: string;
  rows: readonly TableRow[];
  location: SourceLocation;
}

export type DocumentSection = TextSection | TableSection;
