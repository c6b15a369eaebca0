import type { articleV1 } from '@app/contracts';
import { JSON_CONTENT_TYPE } from '@app/grpc';
import { Injectable } from '@nestjs/common';
import { type NestFastifyApplication, RouteConfig } from '@nestjs/platform-fastify';
import type { onRequestHookHandler } from 'fastify';

import { ArticleDetailReader } from './article-detail.reader';
import { AuthorsReader } from './authors.reader';
import { ReadingTracker } from './reading-tracker';
import { RelatedArticlesClient } from './related-articles.client';

/**
 * How long an anonymous reader's page is reused at most: related-article changes show within it
 * (and the related lists' own cache time). A change of the article or its author shows at once.
 */
export const ANONYMOUS_PAGE_TTL_MS = 30_000;
/**
 * A page built while the recommend service could not list related articles is reused this long:
 * the list shows soon after it is back, and the service is not asked on every read meanwhile.
 */
export const PAGE_WITHOUT_RELATED_TTL_MS = 5_000;

/** Route config key of the article route, whose built anonymous pages are answered before routing. */
const ANONYMOUS_ARTICLE_PAGE = 'anonymousArticlePage';

/** Marks the article route (`GET …/articles/:id`) for `answerBuiltAnonymousPages`. */
export const AnonymousArticlePage = (): MethodDecorator =>
  RouteConfig({ [ANONYMOUS_ARTICLE_PAGE]: true });

/** A built page, with the author's cached profile it was built with. */
interface BuiltPage {
  body: Buffer;
  until: number;
  author: object | null | undefined;
}

/**
 * Whole answers for anonymous readers (the same for all of them), per cached detail, for
 * ANONYMOUS_PAGE_TTL_MS at most. The cache hands out one detail object and one profile object
 * while they are unchanged: an edited or withdrawn article is a new detail object or none, and a
 * changed author a new profile object or none, so the page is built anew or no longer served at once.
 */
@Injectable()
export class AnonymousArticlePages {
  private readonly pages = new WeakMap<articleV1.ArticleDetail, BuiltPage>();

  constructor(
    private readonly details: ArticleDetailReader,
    private readonly authors: AuthorsReader,
    private readonly related: RelatedArticlesClient,
    private readonly tracker: ReadingTracker,
  ) {}

  get(article: articleV1.ArticleDetail, now = Date.now()): Buffer | undefined {
    const page = this.pages.get(article);
    if (!page || page.until <= now || page.author === undefined) return undefined;
    return this.authors.heldProfile(article.autId) === page.author ? page.body : undefined;
  }

  /**
   * Keeps the page of `article`, built just now with its author's profile and related articles as
   * this process holds them.
   */
  set(article: articleV1.ArticleDetail, body: Buffer, now = Date.now()): void {
    const ttl = this.related.holds(article.artId)
      ? ANONYMOUS_PAGE_TTL_MS
      : PAGE_WITHOUT_RELATED_TTL_MS;
    this.pages.set(article, {
      body,
      until: now + ttl,
      author: this.authors.heldProfile(article.autId),
    });
  }

  /**
   * The built page of an article whose detail this replica holds, its read counted as the route
   * counts it; undefined when the route has to answer (detail or page not held here).
   */
  answerBuilt(articleId: string): Buffer | undefined {
    const article = this.details.peekLocal(articleId);
    if (!article) return undefined;
    const page = this.get(article);
    if (page) void this.tracker.recordRead(article.artId, article.autId, undefined);
    return page;
  }
}

/**
 * Answers an anonymous GET of an article whose page is built from the route's own `onRequest`
 * hook, before Nest's router, guard and parameter pipes: on a cached page they cost more than the
 * page itself (bench/README, "An article hit"). Requests with an `Authorization` or `Trace` header,
 * and articles whose page is not built here, go on to the route. Runs before `init()` registers
 * the routes.
 */
export function answerBuiltAnonymousPages(app: NestFastifyApplication): void {
  const pages = app.get(AnonymousArticlePages);
  const answerBuilt: onRequestHookHandler = (request, reply, done) => {
    const { headers } = request;
    const page =
      headers.authorization === undefined && headers.trace === undefined
        ? pages.answerBuilt((request.params as { id: string }).id)
        : undefined;
    if (page === undefined) {
      done();
      return;
    }
    void reply.header('content-type', JSON_CONTENT_TYPE).send(page);
  };
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const marked = (route.config as Record<string, unknown> | undefined)?.[
        ANONYMOUS_ARTICLE_PAGE
      ];
      if (marked !== true || route.method !== 'GET') return;
      route.onRequest = [...toArray(route.onRequest), answerBuilt];
    });
}

function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
