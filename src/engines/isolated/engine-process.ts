import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ResolvedRagConfig } from '../../config.js';
import { abortedError, errorCodes, GemmaRagError, throwIfAborted } from '../../spec/errors.js';
import type { Logger } from '../../spec/logger.js';
import type { EngineContext } from '../registry.js';
import type { EmbeddingModelDescription, FromEngine, SerializedError, ToEngine } from './engine-messages.js';

// Under tsx (tests, development) this file is TypeScript, and so is its neighbour.
const hostFile = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './engine-host.ts' : './engine-host.js', import.meta.url),
);

/** Requests that carry an id: the process adds it. */
type Request = ToEngine extends infer Message ? (Message extends { id: number } ? Omit<Message, 'id'> : never) : never;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: GemmaRagError) => void;
  onChunk?: ((text: string) => void) | undefined;
}

type State =
  | { kind: 'idle' }
  | { kind: 'starting' | 'ready'; child: ChildProcess; loaded: Promise<EmbeddingModelDescription> }
  | { kind: 'failed'; error: GemmaRagError }
  | { kind: 'disposed' };

const stderrTail = 4096;

function revive(error: SerializedError): GemmaRagError {
  return new GemmaRagError(error.code, error.message, { data: { ...error.data } });
}

/**
 * The engine process as the server sees it: started with the configuration, one request per
 * id, streamed chunks, aborts. When it dies (a llama.cpp abort, the OOM killer) every request
 * in flight fails with ENGINE_FAILURE and a new process loads the models again; requests that
 * arrive meanwhile wait for it. A process that dies while loading is not restarted in a loop:
 * the next request tries again.
 */
export class EngineProcess {
  private state: State = { kind: 'idle' };
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private users = 0;
  private stderr = '';
  private description: EmbeddingModelDescription | undefined;
  /** How many times the process had to be started again after it died. */
  restarts = 0;
  /** Increases with every process started: a language model loaded in an earlier one is gone. */
  generation = 0;

  constructor(
    private readonly context: Pick<EngineContext, 'confirmDownload' | 'onDownloadProgress' | 'onModelLoad'> & {
      config: ResolvedRagConfig;
      logger: Logger;
      environment: NodeJS.ProcessEnv;
    },
  ) {}

  /** Each proxy holds the process; the last one to let go ends it. */
  acquire(): void {
    this.users++;
  }

  async release(): Promise<void> {
    this.users--;
    if (this.users <= 0) await this.dispose();
  }

  /** The running process's embedding model, starting a process if none runs. */
  ready(): Promise<EmbeddingModelDescription> {
    switch (this.state.kind) {
      case 'starting':
      case 'ready':
        return this.state.loaded;
      case 'disposed':
        return Promise.reject(new GemmaRagError(errorCodes.engineFailure, 'The engine process was shut down.'));
      default:
        return this.start();
    }
  }

  async request<Value>(
    request: Request,
    options: { abortSignal?: AbortSignal | undefined; onChunk?: (text: string) => void } = {},
  ): Promise<Value> {
    throwIfAborted(options.abortSignal);
    await this.ready();
    // Aborted while waiting for the process: an abort event will not come again.
    throwIfAborted(options.abortSignal);
    const state = this.state;
    if (state.kind !== 'ready') return this.request(request, options);
    const id = this.nextId++;
    return new Promise<Value>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(id);
        this.send(state.child, { type: 'abort', id });
        reject(abortedError(options.abortSignal));
      };
      options.abortSignal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => options.abortSignal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (value) => {
          settle();
          resolve(value as Value);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
        onChunk: options.onChunk,
      });
      this.send(state.child, { ...request, id } as ToEngine);
    });
  }

  private send(child: ChildProcess, message: ToEngine): void {
    if (child.connected) child.send(message);
  }

  private start(): Promise<EmbeddingModelDescription> {
    this.generation++;
    this.stderr = '';
    const child = fork(hostFile, [], {
      env: this.context.environment,
      execArgv: process.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      this.stderr = (this.stderr + text).slice(-stderrTail);
    });
    const loaded = new Promise<EmbeddingModelDescription>((resolve, reject) => {
      child.on('message', (message: FromEngine) => {
        if (message.type === 'loaded') {
          this.state = { kind: 'ready', child, loaded };
          resolve(this.checkSameModel(message.embedding));
        } else if (message.type === 'load-failed') {
          const error = revive(message.error);
          this.state = { kind: 'failed', error };
          child.kill();
          reject(error);
        } else {
          this.receive(child, message);
        }
      });
      child.once('exit', (code, signal) => {
        const died = this.exited(child, code, signal);
        if (died) reject(died);
      });
    });
    // Whoever waits sees the failure; nobody waiting is not an unhandled rejection.
    loaded.catch(() => undefined);
    this.state = { kind: 'starting', child, loaded };
    this.send(child, { type: 'load', config: this.context.config });
    return loaded;
  }

  /** A restarted process must have loaded the same weights: vectors must not change meaning. */
  private checkSameModel(description: EmbeddingModelDescription): EmbeddingModelDescription {
    if (this.description && this.description.fingerprint !== description.fingerprint) {
      throw new GemmaRagError(
        errorCodes.engineFailure,
        `The engine restarted with different weights (${description.modelId}): the model file changed on disk. Restart the server.`,
        { data: { expected: this.description.fingerprint, actual: description.fingerprint } },
      );
    }
    this.description = description;
    return description;
  }

  private receive(child: ChildProcess, message: FromEngine): void {
    switch (message.type) {
      case 'result':
        this.settle(message.id)?.resolve(message.value);
        return;
      case 'failed':
        this.settle(message.id)?.reject(revive(message.error));
        return;
      case 'chunk':
        this.pending.get(message.id)?.onChunk?.(message.text);
        return;
      case 'log':
        this.context.logger[message.level](message.message);
        return;
      case 'download-progress':
        this.context.onDownloadProgress?.(message);
        return;
      case 'model-load':
        this.context.onModelLoad?.({ role: message.role, model: message.model, fraction: message.fraction });
        return;
      case 'confirm': {
        const confirm = this.context.confirmDownload;
        void (confirm ? confirm(message.uri) : Promise.resolve(false)).then((allowed) =>
          this.send(child, { type: 'confirmed', id: message.id, allowed }),
        );
        return;
      }
      default:
        return;
    }
  }

  private settle(id: number): Pending | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    return pending;
  }

  /** The model files or names the configuration gives, for messages about a failed load. */
  private modelsNamed(): string[] {
    const { embeddingModel, generationModel, rerankModel } = this.context.config;
    return [embeddingModel, generationModel, rerankModel].filter((name): name is string => name !== undefined);
  }

  /**
   * The process ended. Unless we ended it, it crashed: fail what it was doing, and start
   * another one if it had been serving (not if it died loading). Returns the error for a load
   * that was still waiting.
   */
  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): GemmaRagError | undefined {
    const state = this.state;
    if (state.kind === 'disposed' || !('child' in state) || state.child !== child) return undefined;
    const lastLine = this.stderr.trim().split('\n').at(-1) ?? '';
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const models = this.modelsNamed();
    const subject = models.length === 0 ? 'The engine process' : `The engine process for ${models.join(', ')}`;
    const error = new GemmaRagError(
      errorCodes.engineFailure,
      `${subject} ${how}${lastLine ? ` (${lastLine.slice(0, 300)})` : ''}${
        state.kind === 'ready' ? '; it is being restarted, try again in a moment.' : ' while loading the model.'
      }`,
      {
        data: {
          reason: 'engine-crashed',
          signal,
          exitCode: code,
          stderr: this.stderr.slice(-1000),
          models,
        },
      },
    );
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(error);
    }
    if (state.kind === 'ready') {
      this.restarts++;
      this.context.logger.warn(error.message);
      void this.start();
      return undefined;
    }
    this.state = { kind: 'failed', error };
    return error;
  }

  async dispose(): Promise<void> {
    const state = this.state;
    this.state = { kind: 'disposed' };
    if (!('child' in state)) return;
    const { child } = state;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.send(child, { type: 'dispose' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
