import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where downloaded models live: `$GEMMA_RAG_HOME/models`, by default under the user's
 * cache directory (XDG on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows).
 */
export function gemmaRagHome(environment: NodeJS.ProcessEnv = process.env): string {
  if (environment.GEMMA_RAG_HOME) return environment.GEMMA_RAG_HOME;
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'gemma-rag');
  if (process.platform === 'win32') {
    return join(environment.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'gemma-rag');
  }
  return join(environment.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gemma-rag');
}

export function modelsDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  return join(gemmaRagHome(environment), 'models');
}

/** The knowledge base `ingest` writes and `ask` reads when no --db is given. */
export function defaultKnowledgeBasePath(environment: NodeJS.ProcessEnv = process.env): string {
  return join(gemmaRagHome(environment), 'knowledge.db');
}
