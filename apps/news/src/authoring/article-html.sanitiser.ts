import { extname, join } from 'node:path';

import { Injectable, type OnModuleDestroy } from '@nestjs/common';

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
 * it, so that the last one's save (two passes of 0.2 s each at most, for each before it) still
 * ends within the callers' 3 s gRPC deadline; more answer 503 as every other overload does. 1 MiB
 * of the editor's HTML needs under 32 MiB of heap, with dropped tags too; 1 MiB of tags nested
 * past any editor's (`<p><select>` over and over) needs more, and fails.
 */
const POOL: Omit<ArticleHtmlPoolOptions, 'script' | 'execArgv'> = {
  size: 1,
  maxQueued: 4,
  maxHeapMiB: 64,
};

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
  private readonly pool = new ArticleHtmlPool({ ...articleHtmlWorkerEntry(), ...POOL });

  async sanitise(html: string): Promise<string> {
    if (html.length <= INLINE_MAX_LENGTH) return sanitizeArticleHtml(html);
    return (await this.pool.run(html)).html;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }
}
