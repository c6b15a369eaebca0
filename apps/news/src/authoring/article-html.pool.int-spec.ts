import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

import { AppError, ErrorKind } from '@app/grpc';

import { ArticleHtmlPool } from './article-html.pool';
import { sanitizeArticleHtml } from './article-html.rules';
import { articleHtmlWorkerEntry } from './article-html.sanitiser';
import { editorArticleHtml, htmlLike, random } from './article-html.stub';

/** A worker that answers at once, and stops, throws or never answers when told to. */
const ECHO_WORKER = `
const { parentPort, threadId } = require('node:worker_threads');
parentPort.on('message', (html) => {
  if (html === 'exit') process.exit(3);
  if (html === 'hang') return;
  if (html === 'throw') throw new Error('thrown in the worker');
  parentPort.postMessage({ html: html.toUpperCase(), threadId });
});
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
    const newPool = (maxQueued: number) => {
      const pool = new ArticleHtmlPool({ script, execArgv: [], size: 1, maxQueued });
      pools.push(pool);
      return pool;
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
