import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

import { AppError, ErrorKind } from '@app/grpc';

import { ArticleHtmlPool, type ArticleHtmlPoolOptions } from './article-html.pool';
import { sanitizeArticleHtml } from './article-html.rules';
import { articleHtmlWorkerEntry } from './article-html.sanitiser';
import { editorArticleHtml, htmlLike, random } from './article-html.stub';
import type { SanitisedReply } from './article-html.worker';
import { AuthoringErrors } from './authoring.errors';

/**
 * A worker that answers at once, and stops, throws, never answers, takes a while or fills its heap
 * when told to. It says it is ready after a slow start, which no article's time limit counts.
 */
const ECHO_WORKER = `
const { parentPort, threadId } = require('node:worker_threads');
const until = Date.now() + 300;
while (Date.now() < until);
parentPort.on('message', (html) => {
  if (html === 'exit') process.exit(3);
  if (html === 'hang') return;
  if (html === 'throw') throw new Error('thrown in the worker');
  if (html === 'spin') for (;;);
  if (html === 'grow') for (const held = []; ; ) held.push({ html: String(Math.random()) });
  if (html.startsWith('wait ')) {
    const until = Date.now() + Number(html.slice(5));
    while (Date.now() < until);
  }
  parentPort.postMessage({ html: html.toUpperCase(), threadId });
});
parentPort.postMessage({ ready: true });
`;

describe('ArticleHtmlPool (worker threads)', () => {
  describe('with the article HTML worker', () => {
    const pool = new ArticleHtmlPool({ ...articleHtmlWorkerEntry(), size: 1, maxQueued: 4 });
    afterAll(() => pool.close());

    it('answers what sanitizeArticleHtml answers on the event loop, byte for byte, from another thread', async () => {
      const next = random(20261206);
      const generated = Array.from({ length: 2_000 }, () => htmlLike(next));
      const { sent } = editorArticleHtml('http://img.test/Fh3k9');
      const inputs = [
        ...generated,
        // Long ones, with dropped tags (two passes) and without (one), up to the body limit.
        generated.join(''),
        sent.repeat(64),
        sent.repeat(1_000),
      ];
      const threads = new Set<number>();
      const differing: string[] = [];
      for (const html of inputs) {
        const reply = await pool.run(html);
        threads.add(reply.threadId);
        if (reply.html !== sanitizeArticleHtml(html)) differing.push(html);
      }
      expect(differing).toEqual([]);
      expect([...threads]).toEqual([expect.any(Number)]);
      expect(threads.has(threadId)).toBe(false);
    }, 120_000);
  });

  describe('with a worker that stops when told to', () => {
    let dir: string;
    let script: string;
    const pools: ArticleHtmlPool[] = [];
    const newPool = (maxQueued: number, limits: Partial<ArticleHtmlPoolOptions> = {}) => {
      const pool = new ArticleHtmlPool({ script, execArgv: [], size: 1, maxQueued, ...limits });
      pools.push(pool);
      return pool;
    };
    /**
     * A pool with a worker ready: its start counts in the wait, and on a loaded machine outlasts a
     * short wait limit, which refuses the first article; the worker goes on starting for the next.
     */
    const startedPool = async (limits: Partial<ArticleHtmlPoolOptions>) => {
      const pool = newPool(4, limits);
      for (;;) {
        const reply = await pool.run('a').catch((error: unknown) => {
          if (error instanceof AppError && error.kind === ErrorKind.Unavailable) return undefined;
          throw error;
        });
        if (reply !== undefined) return pool;
      }
    };

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'tt-html-pool-'));
      script = join(dir, 'echo-worker.js');
      writeFileSync(script, ECHO_WORKER);
    });
    afterAll(async () => {
      await Promise.all(pools.map((pool) => pool.close()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses an article as Unavailable when the queue is full, and serves those it took', async () => {
      const pool = newPool(1);
      const running = pool.run('a');
      const waiting = pool.run('b');
      await expect(pool.run('c')).rejects.toEqual(new AppError(ErrorKind.Unavailable));
      expect((await running).html).toBe('A');
      expect((await waiting).html).toBe('B');
      expect((await pool.run('d')).html).toBe('D');
    });

    it('fails the article of a worker that stops, and a new worker takes the next', async () => {
      const pool = newPool(2);
      const first = await pool.run('a');
      const stopped = pool.run('exit');
      const next = pool.run('b');
      await expect(stopped).rejects.toThrow('The article HTML worker stopped (exit code 3).');
      const after = await next;
      expect(after.html).toBe('B');
      expect(after.threadId).not.toBe(first.threadId);
      await expect(pool.run('throw')).rejects.toThrow('thrown in the worker');
      expect((await pool.run('c')).html).toBe('C');
    });

    it('refuses an article its worker has not answered within the time limit as invalid content, and a new worker takes the next', async () => {
      const pool = newPool(2, { timeLimitMs: 200 });
      const first = await pool.run('a');
      const spinning = pool.run('spin');
      // Started after the article's limit: timers fire in the order they expire, however late the
      // event loop runs, so this one fires first only if the limit was not 200 ms.
      let pastLimit = false;
      const limit = setTimeout(() => (pastLimit = true), 201);
      const next = pool.run('wait 100');
      await expect(spinning).rejects.toEqual(AuthoringErrors.invalidContent());
      clearTimeout(limit);
      expect(pastLimit).toBe(false);
      // The time limit runs from the article's posting to a ready worker: a new worker's start is not counted.
      const after = await next;
      expect(after.html).toBe('WAIT 100');
      expect(after.threadId).not.toBe(first.threadId);
    });

    it("refuses an article that fills its worker's heap as invalid content, where a worker that crashed otherwise stays an error", async () => {
      const pool = newPool(2, { maxHeapMiB: 16 });
      await expect(pool.run('grow')).rejects.toEqual(AuthoringErrors.invalidContent());
      await expect(pool.run('exit')).rejects.toThrow(
        'The article HTML worker stopped (exit code 3).',
      );
      await expect(pool.run('throw')).rejects.toThrow('thrown in the worker');
      expect((await pool.run('b')).html).toBe('B');
    });

    it('refuses an article that waited for a worker past the wait limit as Unavailable, before a worker takes it', async () => {
      const pool = await startedPool({ maxWaitMs: 500 });
      const running = pool.run('wait 800');
      const waiting = pool.run('b');
      await expect(waiting).rejects.toEqual(new AppError(ErrorKind.Unavailable));
      expect((await running).html).toBe('WAIT 800');
      expect((await pool.run('c')).html).toBe('C');
    });

    it('refuses an article whose wait limit passed while the event loop was busy, though a worker came free before its timer ran', async () => {
      const pool = await startedPool({ maxWaitMs: 500 });
      // Both are posted from inside a timer, and the loop is held there past the wait limit and, by
      // far, the worker's answer: when it runs again, the answer that frees the worker comes before
      // the wait limit's timer, however late a loaded machine ran this timer.
      const { running, waiting } = await new Promise<{
        running: Promise<SanitisedReply>;
        waiting: Promise<SanitisedReply>;
      }>((resolve) =>
        setTimeout(() => {
          const posted = { running: pool.run('wait 100'), waiting: pool.run('b') };
          const until = Date.now() + 1_500;
          while (Date.now() < until);
          resolve(posted);
        }, 1),
      );
      await expect(waiting).rejects.toEqual(new AppError(ErrorKind.Unavailable));
      expect((await running).html).toBe('WAIT 100');
    });

    it('fails the waiting articles of a worker that stops while it starts, and starts the next only for the next article', async () => {
      const starts = join(dir, 'starts');
      const broken = join(dir, 'broken-worker.js');
      writeFileSync(starts, '');
      writeFileSync(
        broken,
        `require('node:fs').appendFileSync(${JSON.stringify(starts)}, 'x'); throw new Error('failed at start');`,
      );
      const pool = new ArticleHtmlPool({
        script: broken,
        execArgv: [],
        size: 1,
        maxQueued: 4,
        maxWaitMs: 1_000,
      });
      pools.push(pool);
      const failed = await pool.run('a').catch((error: Error) => error.message);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect({ failed, starts: readFileSync(starts, 'utf8').length }).toEqual({
        failed: 'failed at start',
        starts: 1,
      });
      await expect(pool.run('b')).rejects.toThrow('failed at start');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(readFileSync(starts, 'utf8').length).toBe(2);
    });

    it('fails what it holds when closed, and takes nothing after', async () => {
      const pool = newPool(2);
      const running = expect(pool.run('hang')).rejects.toThrow('The article HTML pool is closed.');
      const waiting = expect(pool.run('b')).rejects.toThrow('The article HTML pool is closed.');
      await pool.close();
      await running;
      await waiting;
      await expect(pool.run('c')).rejects.toThrow('The article HTML pool is closed.');
    });
  });
});
