import { throwIfAborted } from '../../spec/errors.js';
import type { RankingModel, RankOptions, RankResult } from '../../spec/ranking-model.js';
import type { RankingModelDescription } from './engine-messages.js';
import type { EngineProcess } from './engine-process.js';

/**
 * The reranker of an engine process, behind the same interface as one in this process.
 * Loaded there on first use, and again in a process started after a crash.
 */
export class IsolatedRankingModel implements RankingModel {
  readonly engine: string;
  readonly modelId: string;
  readonly maxDocumentsPerCall: number;
  private loadedIn: number;

  constructor(
    private readonly engineProcess: EngineProcess,
    description: RankingModelDescription,
  ) {
    ({ engine: this.engine, modelId: this.modelId, maxDocumentsPerCall: this.maxDocumentsPerCall } = description);
    engineProcess.acquire();
    this.loadedIn = engineProcess.generation;
  }

  async rank({ query, documents, abortSignal }: RankOptions): Promise<RankResult> {
    throwIfAborted(abortSignal);
    if (this.loadedIn !== this.engineProcess.generation) {
      await this.engineProcess.request({ type: 'load-ranking-model' }, { abortSignal });
      this.loadedIn = this.engineProcess.generation;
    }
    const scores = await this.engineProcess.request<number[]>({ type: 'rank', query, documents }, { abortSignal });
    return { scores };
  }

  dispose(): Promise<void> {
    return this.engineProcess.release();
  }
}
