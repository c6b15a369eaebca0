import { Auth, type AuthenticatedRequest, type AuthUser, CurrentUser } from '@app/auth';
import { APP_CONFIG } from '@app/config';
import { JSON_CONTENT_TYPE, RawResponse } from '@app/grpc';
import { Body, Controller, Get, Header, Headers, Inject, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import type { articleV1 } from '@app/contracts';

import type { GatewayConfig } from '../config/gateway.config';
import { UserCardPresenter } from '../users/user-card.presenter';
import { ArticleCardsReader } from './article-cards.reader';
import { ArticleDetailReader } from './article-detail.reader';
import { AnonymousArticlePage, AnonymousArticlePages } from './anonymous-article-pages';
import { articlePageBody, type PageFields } from './article-page.json';
import { ArticleErrors } from './article.errors';
import { type Author, AuthorsReader } from './authors.reader';
import { ReadingDurationDto } from './dto/reading-duration.dto';
import { ReadingStatsRecorder } from './reading-stats.recorder';
import { trackingFields } from './reading-stats.util';
import { ReadingTracker } from './reading-tracker';
import { RelatedArticlesClient } from './related-articles.client';
import { TraceLogWriter } from './trace-log.writer';
import { type ViewerState, ViewerStateReader } from './viewer-state.reader';

@Controller('v1_0')
export class ArticlesHttpController {
  /** The photo shown for an author the page cannot name (gone, or the user service down), as comments do. */
  private readonly unnamedAuthorPhoto: string;

  constructor(
    private readonly anonymousPages: AnonymousArticlePages,
    private readonly details: ArticleDetailReader,
    private readonly cards: ArticleCardsReader,
    private readonly authors: AuthorsReader,
    private readonly viewers: ViewerStateReader,
    private readonly related: RelatedArticlesClient,
    private readonly tracker: ReadingTracker,
    private readonly traceLog: TraceLogWriter,
    private readonly readingStats: ReadingStatsRecorder,
    @Inject(APP_CONFIG) private readonly config: Pick<GatewayConfig, 'TZ'>,
    users: UserCardPresenter,
  ) {
    this.unnamedAuthorPhoto = users.photoUrl('');
  }

  /**
   * An approved article (`ArticleDetailView`, serialized here: the article's part once per cached
   * detail; an anonymous reader's whole answer is reused for ANONYMOUS_PAGE_TTL_MS, mostly by
   * `answerBuiltAnonymousPages` before this handler). A signed-in reader's visit goes to their
   * history; every visit is counted. A HEAD (answered here too) shows no article: it is neither
   * counted nor logged.
   */
  @Get('articles/:id')
  @Auth('optional')
  @AnonymousArticlePage()
  @Header('content-type', JSON_CONTENT_TYPE)
  async detail(
    @Param('id') articleId: string,
    @Req() request: AuthenticatedRequest & Pick<FastifyRequest, 'method'>,
    @Headers('trace') trace: string | undefined,
  ): Promise<Buffer> {
    // Read from the request, not with `@CurrentUser()`: a custom parameter costs Nest an execution
    // context and a pipe chain per request, on the busiest article route.
    const reader = request.authUser;
    const article = await this.details.read(articleId);
    if (!article) throw ArticleErrors.notFound();
    const viewed = request.method !== 'HEAD';
    // A header that holds no tracking string is no click to log; the article is served all the same.
    const tracking = viewed && trace ? trackingFields(trace) : undefined;
    if (trace && tracking) {
      this.traceLog.write({ trace, channelId: article.chId, readTime: '' });
      this.readingStats.recordOrigin(article.artId, tracking);
    }
    if (!reader) {
      if (viewed) void this.tracker.recordRead(article.artId, article.autId, undefined);
      return this.anonymousPages.get(article) ?? this.anonymousPage(article);
    }
    const [author, viewer, recomments] = await Promise.all([
      this.authors.readOne(article.autId),
      this.viewers.read(reader.userId, article.artId, article.autId),
      this.recomments(article.artId),
      viewed ? this.tracker.recordRead(article.artId, article.autId, reader.userId) : undefined,
    ]);
    return articlePageBody(
      article,
      this.config.TZ,
      pageFields(author, viewer, recomments, this.unnamedAuthorPhoto),
    );
  }

  private async anonymousPage(article: articleV1.ArticleDetail): Promise<Buffer> {
    const [author, recomments] = await Promise.all([
      this.authors.readOne(article.autId),
      this.recomments(article.artId),
    ]);
    const fields = pageFields(author, undefined, recomments, this.unnamedAuthorPhoto);
    const body = articlePageBody(article, this.config.TZ, fields);
    // A page that could not name its author is not reused: the next reader may get the name.
    if (author !== undefined) this.anonymousPages.set(article, body);
    return body;
  }

  /**
   * Reading time reported by the client: to the trace log and the article's reading statistics.
   * A token is used if valid (a fan's read), as the reference's unguarded route: a stale one reads
   * as anonymous rather than losing the report to a 401.
   */
  @Post('reading/durations')
  @Auth('lenient')
  @RawResponse()
  async readingDuration(
    @Headers('trace') trace: string | undefined,
    @Body() body: ReadingDurationDto,
    @CurrentUser() reader: AuthUser | undefined,
  ): Promise<{ message: 'OK' }> {
    if (!trace)
      throw ArticleErrors.invalidField('Trace', 'Missing required parameter in the HTTP headers');
    if (!trackingFields(trace))
      throw ArticleErrors.invalidField('Trace', 'Trace must be a tracking string (a JSON object)');
    const article = await this.details.read(body.art_id);
    if (!article) throw ArticleErrors.invalidField('art_id', 'Invalid target article id.');
    this.traceLog.write({ trace, channelId: article.chId, readTime: String(body.duration) });
    await this.readingStats.recordDuration(article, body.duration, reader?.userId);
    return { message: 'OK' };
  }

  /** Similar articles from the recommend service; as in the reference, any failure is no list. */
  private async recomments(articleId: string): Promise<Array<{ art_id: string; title: string }>> {
    try {
      const ids = (await this.related.similar(articleId)).filter((id) => id !== articleId);
      if (ids.length === 0) return [];
      return (await this.cards.infos(ids)).map((info) => ({
        art_id: info.artId,
        title: info.title,
      }));
    } catch {
      return [];
    }
  }
}

/**
 * The page's fields besides the article's own; `viewer` undefined for anonymous readers. `author`
 * null (the user is gone) or undefined (the user service could not be asked): shown unnamed, with
 * `unnamedPhoto` (the reference's photo is always a URL, the default photo's when there is none).
 */
function pageFields(
  author: Author | null | undefined,
  viewer: ViewerState | undefined,
  recomments: PageFields['recomments'],
  unnamedPhoto: string,
): PageFields {
  return {
    aut_name: author?.name ?? '',
    aut_photo: author?.photo ?? unnamedPhoto,
    is_followed: viewer?.isFollowed ?? false,
    attitude: viewer ? viewer.attitude : null,
    is_collected: viewer?.isCollected ?? false,
    recomments,
  };
}
