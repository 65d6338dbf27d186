/**
 * How far a long flow is, stage by stage: files read, documents (or chunks) embedded and
 * written, the search index built. Edges show one progress bar per stage.
 */
export interface StageProgress {
  stage: 'reading' | 'embedding' | 'indexing';
  done: number;
  total: number;
}
