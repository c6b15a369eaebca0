import { extname, join } from 'node:path';

import { APP_CONFIG } from '@app/config';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';

import type { NewsConfig } from '../config/news.config';
import { ARTICLE_HTML_WORKER_HEAP_MIB, ARTICLE_HTML_WORKERS } from './article-html.constant';
import { ArticleHtmlPool, type ArticleHtmlPoolOptions } from './article-html.pool';
import { sanitizeArticleHtml } from './article-html.rules';

/**
 * Article HTML longer than this (in UTF-16 units) is sanitised by a worker thread. Below it the
 * parse takes a few milliseconds on the event loop (32 KiB: about 4 ms), no more than the worker's
 * round trip adds to the save; above it the parse grows to about 0.2 s at 1 MiB, the media
 * platform's body limit, during which news would answer no reader (`npm run bench:sanitise`).
 */
export const INLINE_MAX_LENGTH = 32 * 1024;

/**
 * One worker: news serves readers on the other core of its two. Four long articles may wait for
 * it (two passes of 0.2 s each at most at 1 MiB); more answer 503 as every other overload does.
 * The time and wait limits (config) keep a save within its caller's gRPC deadline however many
 * wait, and however long an article's parse would take.
 */
const POOL: Omit<ArticleHtmlPoolOptions, 'script' | 'execArgv'> = {
  size: ARTICLE_HTML_WORKERS,
  maxQueued: 4,
  maxHeapMiB: ARTICLE_HTML_WORKER_HEAP_MIB,
};

export type ArticleHtmlLimits = Pick<
  NewsConfig,
  'ARTICLE_HTML_TIME_LIMIT_MS' | 'ARTICLE_HTML_WAIT_LIMIT_MS'
>;

/**
 * The worker's entry beside this module: the compiled JavaScript in dist/, as the apps run, or,
 * where this module runs from its TypeScript source (the tests), that source through ts-node's
 * require hook. The entry imports nothing through the `@app/*` aliases, so it needs none resolved.
 */
export function articleHtmlWorkerEntry(): Pick<ArticleHtmlPoolOptions, 'script' | 'execArgv'> {
  return extname(__filename) === '.ts'
    ? {
        script: join(__dirname, 'article-html.worker.ts'),
        execArgv: ['--require', 'ts-node/register/transpile-only'],
      }
    : { script: join(__dirname, 'article-html.worker.js') };
}

/**
 * `sanitizeArticleHtml`, off the event loop for long articles: the same HTML either way (the
 * worker runs that function), so where it ran never shows in what is stored.
 */
@Injectable()
export class ArticleHtmlSanitiser implements OnModuleDestroy {
  private readonly pool: ArticleHtmlPool;

  constructor(@Inject(APP_CONFIG) limits: ArticleHtmlLimits) {
    this.pool = new ArticleHtmlPool({
      ...articleHtmlWorkerEntry(),
      ...POOL,
      timeLimitMs: limits.ARTICLE_HTML_TIME_LIMIT_MS,
      maxWaitMs: limits.ARTICLE_HTML_WAIT_LIMIT_MS,
    });
  }

  async sanitise(html: string): Promise<string> {
    if (html.length <= INLINE_MAX_LENGTH) return sanitizeArticleHtml(html);
    return (await this.pool.run(html)).html;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }
}
