import { Worker } from 'node:worker_threads';

import type { SanitisedReply, WorkerMessage } from './article-html.worker';
import { AuthoringErrors } from './authoring.errors';

export interface ArticleHtmlPoolOptions {
  /** The worker's entry (`article-html.worker`): posted an article's HTML, it replies a `SanitisedReply`. */
  script: string;
  /** Node options of the worker; the process's own when not given. */
  execArgv?: string[];
  /** Workers at most, started as work comes. */
  size: number;
  /** Articles that may wait for a worker; one more is refused as Unavailable. */
  maxQueued: number;
  /**
   * The heap a worker may grow to, in MiB: past it the worker stops and its article is refused as
   * invalid content.
   */
  maxHeapMiB?: number;
  /**
   * How long a worker may take over one article, from its posting to a ready worker: past it the
   * worker is stopped and the article refused as invalid content. No limit when not given.
   */
  timeLimitMs?: number;
  /** How long an article may wait for a worker: past it, it is refused as Unavailable unparsed. */
  maxWaitMs?: number;
}

interface Job {
  html: string;
  resolve: (reply: SanitisedReply) => void;
  reject: (error: Error) => void;
  /** The wait limit while it waits, then the time limit while a worker holds it. */
  timer?: NodeJS.Timeout;
  /**
   * When its wait limit passes (`performance.now()`): a worker's answer that frees it for this
   * article may run before the limit's timer, when both came while the event loop was busy.
   */
  waitsUntil?: number;
}

const closedError = () => new Error('The article HTML pool is closed.');

/**
 * Worker threads that sanitise article HTML, one article at a time each, so that a long article's
 * parse (1 MiB: about 0.2 s) leaves the event loop free. Workers start when an article needs one
 * and stay until `close`; a worker that stops (it crashed, ran out of heap or overran the time
 * limit) fails the article it held, and a new one takes the next once it has stopped; one that
 * stops while it starts fails the articles waiting for it, and the next article starts another.
 */
export class ArticleHtmlPool {
  private readonly workers = new Set<Worker>();
  /** Workers that have loaded their entry and are not being stopped. */
  private readonly ready = new Set<Worker>();
  /** Workers still loading their entry: as many waiting articles are theirs. */
  private readonly starting = new Set<Worker>();
  private readonly running = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private closed = false;

  constructor(private readonly options: ArticleHtmlPoolOptions) {}

  /** The HTML sanitised by a worker, and that worker's thread id. */
  run(html: string): Promise<SanitisedReply> {
    if (this.closed) return Promise.reject(closedError());
    const waits = this.idleWorker() === undefined && this.workers.size >= this.options.size;
    if (waits && this.queue.length - this.starting.size >= this.options.maxQueued)
      return Promise.reject(AuthoringErrors.busy());
    return new Promise((resolve, reject) => {
      const job: Job = { html, resolve, reject };
      const { maxWaitMs } = this.options;
      if (maxWaitMs !== undefined) {
        job.timer = setTimeout(() => this.expire(job), maxWaitMs);
        job.waitsUntil = performance.now() + maxWaitMs;
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Stops every worker; the articles they held and those waiting fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) settle(job).reject(closedError());
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idleWorker();
      if (worker === undefined) {
        this.startWorker();
        return;
      }
      const job = settle(this.queue.shift()!);
      if (job.waitsUntil !== undefined && performance.now() >= job.waitsUntil) {
        job.reject(AuthoringErrors.busy());
        continue;
      }
      this.running.set(worker, job);
      const { timeLimitMs } = this.options;
      if (timeLimitMs !== undefined)
        job.timer = setTimeout(() => this.overrun(worker), timeLimitMs);
      // An idle worker does not keep the process alive; one holding an article does, till it answers.
      worker.ref();
      worker.postMessage(job.html);
    }
  }

  private idleWorker(): Worker | undefined {
    for (const worker of this.ready) if (!this.running.has(worker)) return worker;
    return undefined;
  }

  /** A worker more, unless as many as the pool may have are started (or stopping). */
  private startWorker(): void {
    if (this.closed || this.workers.size >= this.options.size) return;
    const { script, execArgv, maxHeapMiB } = this.options;
    const worker = new Worker(script, {
      execArgv,
      resourceLimits: maxHeapMiB === undefined ? undefined : { maxOldGenerationSizeMb: maxHeapMiB },
    });
    this.workers.add(worker);
    this.starting.add(worker);
    worker.on('message', (message: WorkerMessage) => {
      if ('ready' in message) {
        this.starting.delete(worker);
        this.ready.add(worker);
      }
      const job = this.running.get(worker);
      this.running.delete(worker);
      worker.unref();
      if (job !== undefined && 'html' in message) settle(job).resolve(message);
      this.dispatch();
    });
    // A worker's uncaught error comes before its exit: the article fails with that error, or, when
    // the article took the worker past its heap, is refused as content the sanitiser cannot take.
    worker.on('error', (error: Error & { code?: string }) =>
      this.fail(
        worker,
        error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? AuthoringErrors.invalidContent() : error,
      ),
    );
    worker.on('exit', (code) =>
      this.fail(
        worker,
        this.closed
          ? closedError()
          : new Error(`The article HTML worker stopped (exit code ${code}).`),
      ),
    );
  }

  private fail(worker: Worker, error: Error): void {
    const job = this.running.get(worker);
    this.running.delete(worker);
    this.ready.delete(worker);
    const wasStarting = this.starting.delete(worker);
    this.workers.delete(worker);
    if (job !== undefined) settle(job).reject(error);
    if (!wasStarting) {
      this.dispatch();
      return;
    }
    // A worker that stopped while loading its entry would stop so again: the articles waiting with
    // no other worker to take them fail with its error, and only a later article starts another.
    if (this.ready.size === 0 && this.starting.size === 0)
      for (const waiting of this.queue.splice(0)) settle(waiting).reject(error);
  }

  /** An article still waiting at the wait limit: refused before any worker saw it. */
  private expire(job: Job): void {
    const at = this.queue.indexOf(job);
    if (at === -1) return;
    this.queue.splice(at, 1);
    settle(job).reject(AuthoringErrors.busy());
  }

  /**
   * A worker past the time limit on its article: the article is refused at once, and the worker
   * stopped; it counts against the pool's size till it has, so a new one never runs beside it.
   */
  private overrun(worker: Worker): void {
    const job = this.running.get(worker);
    if (job === undefined) return;
    this.running.delete(worker);
    this.ready.delete(worker);
    settle(job).reject(AuthoringErrors.invalidContent());
    void worker.terminate();
  }
}

/** The job with its timer cleared, to be settled or handed on. */
function settle(job: Job): Job {
  clearTimeout(job.timer);
  job.timer = undefined;
  return job;
}
