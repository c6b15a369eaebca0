import { Worker } from 'node:worker_threads';

import type { SanitisedReply } from './article-html.worker';
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
  /** The heap a worker may grow to, in MiB: past it the worker stops and its article fails. */
  maxHeapMiB?: number;
}

interface Job {
  html: string;
  resolve: (reply: SanitisedReply) => void;
  reject: (error: Error) => void;
}

const closedError = () => new Error('The article HTML pool is closed.');

/**
 * Worker threads that sanitise article HTML, one article at a time each, so that a long article's
 * parse (1 MiB: about 0.2 s) leaves the event loop free. Workers start when an article needs one
 * and stay until `close`; a worker that stops (it crashed, or ran out of heap) fails the article
 * it held, and a new one takes the next.
 */
export class ArticleHtmlPool {
  private readonly workers = new Set<Worker>();
  private readonly running = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private closed = false;

  constructor(private readonly options: ArticleHtmlPoolOptions) {}

  /** The HTML sanitised by a worker, and that worker's thread id. */
  run(html: string): Promise<SanitisedReply> {
    if (this.closed) return Promise.reject(closedError());
    const waits = this.idleWorker() === undefined && this.workers.size >= this.options.size;
    if (waits && this.queue.length >= this.options.maxQueued)
      return Promise.reject(AuthoringErrors.busy());
    return new Promise((resolve, reject) => {
      this.queue.push({ html, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; the articles they held and those waiting fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(closedError());
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idleWorker() ?? this.startWorker();
      if (worker === undefined) return;
      const job = this.queue.shift()!;
      this.running.set(worker, job);
      // An idle worker does not keep the process alive; one holding an article does, till it answers.
      worker.ref();
      worker.postMessage(job.html);
    }
  }

  private idleWorker(): Worker | undefined {
    for (const worker of this.workers) if (!this.running.has(worker)) return worker;
    return undefined;
  }

  private startWorker(): Worker | undefined {
    if (this.closed || this.workers.size >= this.options.size) return undefined;
    const { script, execArgv, maxHeapMiB } = this.options;
    const worker = new Worker(script, {
      execArgv,
      resourceLimits: maxHeapMiB === undefined ? undefined : { maxOldGenerationSizeMb: maxHeapMiB },
    });
    this.workers.add(worker);
    worker.on('message', (reply: SanitisedReply) => {
      const job = this.running.get(worker);
      this.running.delete(worker);
      worker.unref();
      job?.resolve(reply);
      this.dispatch();
    });
    // A worker's uncaught error comes before its exit: the article fails with that error.
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', (code) =>
      this.fail(
        worker,
        this.closed
          ? closedError()
          : new Error(`The article HTML worker stopped (exit code ${code}).`),
      ),
    );
    return worker;
  }

  private fail(worker: Worker, error: Error): void {
    const job = this.running.get(worker);
    this.running.delete(worker);
    this.workers.delete(worker);
    job?.reject(error);
    this.dispatch();
  }
}
