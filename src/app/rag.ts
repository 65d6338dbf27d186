import { answerQuestion } from '../answer/answer-question.js';
import type { RagConfig, ResolvedRagConfig } from '../config.js';
import { type CondensedQuestion, condenseQuestion } from '../conversation/condense-question.js';
import { type ConversationTurn, conversationHistorySchema } from '../conversation/conversation-history.js';
import { Embedder } from '../embedding/embedder.js';
import type { ModelProfile } from '../embedding/model-profiles.js';
import { type PromptChoice, resolvePromptPrefix } from '../embedding/prompts.js';
import { type EngineContext, type EngineLoaders, inspectLanguageModel } from '../engines/registry.js';
import { checkForQuerying, stampFor } from '../ingest/embedding-stamp-check.js';
import { ingestDocuments } from '../ingest/ingest-documents.js';
import { type IngestFilesOptions, type IngestFilesReport, ingestFiles } from '../ingest/ingest-files.js';
import { reindexKnowledgeBase } from '../ingest/reindex.js';
import { type FolderWatch, watchFolders } from '../ingest/watch-folders.js';
import type { EmbeddingStamp } from '../knowledge/embedding-stamp.js';
import { documentsOf, type KnowledgeBase } from '../knowledge/knowledge-base.js';
import { calibrationSettingKey, parseCalibration } from '../retrieval/calibration-record.js';
import { KnowledgeIndex } from '../retrieval/knowledge-index.js';
import type { Thresholds } from '../retrieval/refusal-gate.js';
import type { RerankSettings } from '../retrieval/rerank.js';
import type { RetrievalResult } from '../retrieval/retrieval-result.js';
import { retrieve } from '../retrieval/retrieve.js';
import { type FilterRequest, type Route, type RouteRequest, resolveRoute } from '../retrieval/route.js';
import type { ExplicitThresholds } from '../retrieval/threshold-policy.js';
import { ThresholdPolicy } from '../retrieval/threshold-policy.js';
import type { KnowledgeStore } from '../spec/knowledge-store.js';
import type { KnowledgeWriter } from '../spec/knowledge-writer.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { StageProgress } from '../spec/stage-progress.js';
import type { KnowledgeLocation } from '../stores/knowledge-location.js';
import type { WriteLockWait } from '../stores/open-knowledge-store.js';
import { parseWithCode } from '../util/validation.js';
import { openEngines } from './open-engines.js';
import { openStore } from './open-store.js';
import type { AskOptions, AskResult, RagDependencies, RetrieveRequest, WatchRequest } from './rag-requests.js';

export type { AskOptions, AskResult, RagDependencies, RetrieveRequest, WatchRequest } from './rag-requests.js';

/**
 * The composition root: the one place that turns a configuration into concrete engines,
 * stores and the retrieval/answer pipeline. Everything else receives what it needs.
 */
export class Rag {
  private languageModel: Promise<LanguageModel> | undefined;
  /** Which thresholds and calibrated settings a question is judged by (retrieval/threshold-policy.ts). */
  readonly thresholds: ThresholdPolicy;

  private constructor(
    readonly config: ResolvedRagConfig,
    readonly embedder: Embedder,
    /** Thresholds given in the configuration; each overrides calibrated and default ones. */
    private readonly explicitThresholds: ExplicitThresholds,
    /** The engine's own thresholds (the lexical stand-in's score scale), for every route; else the profile's. */
    private readonly engineThresholds: Thresholds | undefined,
    private readonly context: EngineContext,
    private readonly engines: EngineLoaders,
    /** The cross-encoder stage, when a reranker is configured. */
    readonly rerank: RerankSettings | undefined,
    /** Set on a `resized()` view: the Rag that owns (and disposes) the engines. */
    private readonly owner?: Rag | undefined,
  ) {
    this.thresholds = new ThresholdPolicy(embedder, explicitThresholds, engineThresholds);
  }

  static async create(config: RagConfig = {}, dependencies: RagDependencies = {}): Promise<Rag> {
    const opened = await openEngines(config, dependencies);
    return new Rag(
      opened.config,
      opened.embedder,
      opened.explicitThresholds,
      opened.engineThresholds,
      opened.context,
      opened.engines,
      opened.rerank,
    );
  }

  get profile(): ModelProfile {
    return this.embedder.profile;
  }

  /**
   * The same engines at another Matryoshka output size. The view shares the engines with this
   * Rag (disposing the view leaves them loaded); with `cacheEmbeddings`, each text is embedded
   * once whatever the sizes.
   */
  resized(dimensions: number): Rag {
    const embedder = new Embedder({ model: this.embedder.model, profile: this.profile, dimensions });
    return new Rag(
      this.config,
      embedder,
      this.explicitThresholds,
      this.engineThresholds,
      this.context,
      this.engines,
      this.rerank,
      this.owner ?? this,
    );
  }

  /**
   * Embeds a seed-style knowledge base (e.g. a JSON file) into a fresh in-memory index,
   * chunked and stored exactly as `ingest` would store it in a file.
   */
  async index(
    knowledgeBase: KnowledgeBase,
    options: { origin?: string; onProgress?: (done: number, total: number) => void; abortSignal?: AbortSignal } = {},
  ): Promise<KnowledgeIndex<KnowledgeStore>> {
    const store = await openStore(':memory:', { create: true });
    try {
      await this.ingestKnowledgeBase(store, knowledgeBase, options);
    } catch (error) {
      await store.close();
      throw error;
    }
    return new KnowledgeIndex(this.embedder, store);
  }

  /** Embeds a seed-style knowledge base into a store, as `ingest` would (only new or changed documents). */
  async ingestKnowledgeBase(
    store: KnowledgeWriter,
    knowledgeBase: KnowledgeBase,
    options: { origin?: string; onProgress?: (done: number, total: number) => void; abortSignal?: AbortSignal } = {},
  ) {
    return ingestDocuments({
      knowledgeBase: store,
      embedder: this.embedder,
      ...documentsOf(knowledgeBase, options.origin ?? 'inline'),
      onProgress: options.onProgress,
      abortSignal: options.abortSignal,
    });
  }

  /** What a knowledge base embedded by this pipeline is stamped with: engine, model fingerprint, profile, size. */
  get stamp(): EmbeddingStamp {
    return stampFor(this.embedder);
  }

  /**
   * Opens a persistent knowledge base for questions: a SQLite file path or a postgres:// URL.
   * Refuses a missing or empty one, and one built with another model.
   */
  async open(location: string | KnowledgeLocation): Promise<KnowledgeIndex<KnowledgeStore>> {
    const store = await openStore(location);
    try {
      await checkForQuerying(store, this.embedder);
      const readCalibration = async () => parseCalibration(await store.readSetting(calibrationSettingKey));
      return new KnowledgeIndex(this.embedder, store, await readCalibration(), readCalibration);
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  /**
   * Opens a persistent knowledge base to add to (`create`: make it if missing, as `ingest`
   * does) or to re-embed. Any model may open it; writes check the embedding stamp.
   */
  openForWriting(
    location: string | KnowledgeLocation,
    options: { create?: boolean; writeLockWait?: WriteLockWait | undefined } = {},
  ): Promise<KnowledgeStore> {
    return openStore(location, { create: options.create ?? true, writeLockWait: options.writeLockWait });
  }

  /**
   * The ingest flow (ingest/ingest-files.ts): files read through the loaders, placed in their
   * categories, and only new or changed documents embedded and written.
   */
  ingestFiles(
    store: KnowledgeWriter,
    options: Omit<IngestFilesOptions, 'store' | 'embedder'>,
  ): Promise<IngestFilesReport> {
    return ingestFiles({ ...options, store, embedder: this.embedder });
  }

  /** Keeps a knowledge base in step with folders: each changed path goes through the ingest flow. */
  watch(store: KnowledgeWriter, options: WatchRequest): Promise<FolderWatch> {
    const { roots, onChange, onError, debounceMilliseconds, ...ingest } = options;
    return watchFolders({
      roots,
      followSymlinks: ingest.load?.followSymlinks,
      followSymlinksAnywhere: ingest.load?.followSymlinksAnywhere,
      onChange,
      onError,
      debounceMilliseconds,
      sync: ({ path, file }) =>
        this.ingestFiles(store, { ...ingest, source: { files: file ? [file] : [] }, pruneUnder: [path] }),
    });
  }

  /** Re-embeds everything in a knowledge base with this pipeline's model and dimensions (all or nothing). */
  reindex(
    store: KnowledgeWriter,
    options: { onProgress?: (progress: StageProgress) => void; abortSignal?: AbortSignal } = {},
  ) {
    const { onProgress, abortSignal } = options;
    return reindexKnowledgeBase({
      knowledgeBase: store,
      embedder: this.embedder,
      abortSignal,
      onProgress: (done, total) => onProgress?.({ stage: 'embedding', done, total }),
      onIndexProgress: (done, total) => onProgress?.({ stage: 'indexing', done, total }),
    });
  }

  /** A request as the route it will take on this knowledge base, with what was calibrated for it. */
  route(index: KnowledgeIndex, request: RouteRequest = {}): Route {
    return resolveRoute(request, (key) => this.thresholds.calibrationFor(index, key));
  }

  /**
   * Retrieval alone: the route's stages, their scores and whether the question is refused. The
   * request becomes a route once (route.ts `resolveRoute`), whoever asks.
   */
  async retrieve(index: KnowledgeIndex, question: string, request: RetrieveRequest = {}): Promise<RetrievalResult> {
    // What another process calibrated since this index was opened applies now (serve holds no state).
    await index.refreshCalibration();
    const { abortSignal, ...routeRequest } = request;
    const route = this.route(index, routeRequest);
    return retrieve(index, question, {
      route,
      thresholds: this.thresholds.thresholdsFor(index, route),
      supportThreshold: this.thresholds.supportThreshold(),
      sourceFloor: this.thresholds.sourceFloor(),
      rerank: this.rerank,
      abortSignal,
    });
  }

  /**
   * A follow-up as a standalone question, for retrieval and the refusal gate; null when there
   * is no history. Uses the language model unless `generate` is false.
   */
  condense(
    question: string,
    history: readonly ConversationTurn[] | undefined,
    options: Pick<AskOptions, 'generate' | 'abortSignal'> = {},
  ): Promise<CondensedQuestion | null> {
    return condenseQuestion({
      question,
      history: parseWithCode(conversationHistorySchema, history ?? [], 'conversation history'),
      languageModel: options.generate === false ? undefined : () => this.loadLanguageModel(),
      abortSignal: options.abortSignal,
    });
  }

  /**
   * Answers from a retrieval result; a refusal never loads the language model. With `condensed`,
   * the standalone question is answered and a refusal speaks the follow-up's language.
   */
  async answer(
    question: string,
    retrieval: RetrievalResult,
    options: Pick<
      AskOptions,
      'generate' | 'maxTokens' | 'temperature' | 'prompt' | 'onUsage' | 'onText' | 'onRetract' | 'abortSignal'
    > & {
      condensed?: CondensedQuestion | null | undefined;
    } = {},
  ): Promise<AskResult> {
    const condensed = options.condensed ?? null;
    const answer = await answerQuestion({
      question: condensed?.standalone ?? question,
      replyLanguageOf: question,
      retrieval,
      languageModel: options.generate === false ? undefined : () => this.loadLanguageModel(),
      onText: options.onText,
      onRetract: options.onRetract,
      maxTokens: options.maxTokens,
      temperature: options.temperature,
      prompt: options.prompt,
      onUsage: options.onUsage,
      abortSignal: options.abortSignal,
    });
    return { question, condensed, retrieval, ...answer };
  }

  /**
   * The ask flow, for every edge (CLI `ask` and `--chat`, the server's JSON and SSE, `eval
   * answers`): a follow-up is made standalone, retrieval judges that question, then the answer
   * is grounded on what it found or refused without loading the language model.
   */
  async ask(index: KnowledgeIndex, question: string, options: AskOptions = {}): Promise<AskResult> {
    const {
      generate,
      maxTokens,
      temperature,
      prompt,
      onUsage,
      onText,
      onRetract,
      onRetrieval,
      history,
      abortSignal,
      ...request
    } = options;
    const condensed = await this.condense(question, history, { generate, abortSignal });
    const retrieval = await this.retrieve(index, condensed?.standalone ?? question, { ...request, abortSignal });
    await onRetrieval?.({ retrieval, condensed });
    const answering = { generate, maxTokens, temperature, prompt, onUsage, onText, onRetract, abortSignal, condensed };
    return this.answer(question, retrieval, answering);
  }

  /** Documents ranked for a query by a flat route (hybrid unless `mode: 'flat'`), best first. */
  async search(
    index: KnowledgeIndex,
    query: string,
    options: {
      mode?: 'flat' | 'hybrid';
      topK?: number;
      relativeCutoff?: number;
      abortSignal?: AbortSignal;
    } & FilterRequest = {},
  ) {
    const retrieval = await this.retrieve(index, query, { ...options, mode: options.mode ?? 'hybrid' });
    return retrieval.scores.documents;
  }

  /**
   * Embeds texts with a chosen prompt — none unless asked, as sentence-transformers does;
   * returns the prefix put before each text. `dimensions`: this pipeline's size by default,
   * `'native'` for the model's full size (what embedding APIs return unless asked), or a size.
   */
  async embed(
    texts: readonly string[],
    prompt: PromptChoice,
    options: { abortSignal?: AbortSignal; dimensions?: number | 'native' } = {},
  ): Promise<{ prefix: string; vectors: Float32Array[] }> {
    const prefix = resolvePromptPrefix(this.profile, prompt);
    const embedder =
      options.dimensions === undefined
        ? this.embedder
        : new Embedder({
            model: this.embedder.model,
            profile: this.profile,
            ...(options.dimensions === 'native' ? {} : { dimensions: options.dimensions }),
          });
    return { prefix, vectors: await embedder.embedMany(texts, { prompt, abortSignal: options.abortSignal }) };
  }

  /** What the answering model's file says about itself (llama-cpp GGUF only), without loading or downloading it. */
  inspectLanguageModel() {
    return inspectLanguageModel(this.context);
  }

  /** The language model, loaded on first use and shared afterwards. */
  loadLanguageModel(): Promise<LanguageModel> {
    if (this.owner) return this.owner.loadLanguageModel();
    this.languageModel ??= this.engines.loadLanguageModel(this.context);
    // A failed load must not be cached: the user may fix the cause and retry.
    this.languageModel.catch(() => {
      this.languageModel = undefined;
    });
    return this.languageModel;
  }

  async dispose(): Promise<void> {
    if (this.owner) return;
    const languageModel = this.languageModel;
    this.languageModel = undefined;
    await Promise.allSettled([
      this.embedder.model.dispose(),
      languageModel?.then((model) => model.dispose()),
      this.rerank?.model.dispose(),
    ]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

export async function createRag(config: RagConfig = {}, dependencies: RagDependencies = {}): Promise<Rag> {
  return Rag.create(config, dependencies);
}

// The types of the verbs' inputs and outputs, so an edge needs only this module to call them.
export type { CondensedQuestion } from '../conversation/condense-question.js';
export type { ConversationTurn } from '../conversation/conversation-history.js';
export type { FolderWatch, WatchChange } from '../ingest/watch-folders.js';
export type { KnowledgeIndex } from '../retrieval/knowledge-index.js';
export type { RetrievalResult } from '../retrieval/retrieval-result.js';
export type { KnowledgeAdmin, SearchDescription } from '../spec/knowledge-admin.js';
export type { KnowledgeStore } from '../spec/knowledge-store.js';
export type { KnowledgeWriter } from '../spec/knowledge-writer.js';
export type { Logger } from '../spec/logger.js';
export type { ModelLoadProgress } from '../spec/model-load-progress.js';
export type { StageProgress } from '../spec/stage-progress.js';
