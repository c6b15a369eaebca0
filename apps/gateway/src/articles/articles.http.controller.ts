import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import { APP_CONFIG } from '@app/config';
import { envelopeJson, JSON_CONTENT_TYPE, RawResponse } from '@app/grpc';
import { Body, Controller, Get, Header, Headers, Inject, Param, Post } from '@nestjs/common';

import type { GatewayConfig } from '../config/gateway.config';
import { ArticleCardsReader } from './article-cards.reader';
import { ArticleDetailReader } from './article-detail.reader';
import { articlePageJson } from './article-page.json';
import { ArticleErrors } from './article.errors';
import { AuthorsReader } from './authors.reader';
import { ReadingDurationDto } from './dto/reading-duration.dto';
import { ReadingStatsRecorder } from './reading-stats.recorder';
import { ReadingTracker } from './reading-tracker';
import { RelatedArticlesClient } from './related-articles.client';
import { TraceLogWriter } from './trace-log.writer';
import { ViewerStateReader } from './viewer-state.reader';

/** The article page of the mobile app (reference 1.2). */
export interface ArticleDetailView {
  art_id: string;
  title: string;
  pubdate: string;
  content: string;
  aut_id: string;
  ch_id: number;
  aut_name: string;
  aut_photo: string;
  is_followed: boolean;
  /** null when anonymous, else -1 none, 0 dislike, 1 like. */
  attitude: number | null;
  is_collected: boolean;
  recomments: Array<{ art_id: string; title: string }>;
}

@Controller('v1_0')
export class ArticlesHttpController {
  constructor(
    private readonly details: ArticleDetailReader,
    private readonly cards: ArticleCardsReader,
    private readonly authors: AuthorsReader,
    private readonly viewers: ViewerStateReader,
    private readonly related: RelatedArticlesClient,
    private readonly tracker: ReadingTracker,
    private readonly traceLog: TraceLogWriter,
    private readonly readingStats: ReadingStatsRecorder,
    @Inject(APP_CONFIG) private readonly config: Pick<GatewayConfig, 'TZ'>,
  ) {}

  /**
   * An approved article (`ArticleDetailView`, serialized here: the article's part once per cached
   * detail). A signed-in reader's visit goes to their history; every visit is counted.
   */
  @Get('articles/:id')
  @Auth('optional')
  @Header('content-type', JSON_CONTENT_TYPE)
  async detail(
    @Param('id') articleId: string,
    @CurrentUser() reader: AuthUser | undefined,
    @Headers('trace') trace: string | undefined,
  ): Promise<string> {
    const article = await this.details.read(articleId);
    if (!article) throw ArticleErrors.notFound();
    if (trace) {
      this.traceLog.write({ trace, channelId: article.chId, readTime: '' });
      void this.readingStats.recordOrigin(article.artId, trace);
    }
    const [author, viewer, recomments] = await Promise.all([
      this.authors.readOne(article.autId),
      reader ? this.viewers.read(reader.userId, article.artId, article.autId) : undefined,
      this.recomments(article.artId),
      this.tracker.recordRead(article.artId, article.autId, reader?.userId),
    ]);
    return envelopeJson(
      articlePageJson(article, this.config.TZ, {
        aut_name: author?.name ?? '',
        aut_photo: author?.photo ?? '',
        is_followed: viewer?.isFollowed ?? false,
        attitude: viewer ? viewer.attitude : null,
        is_collected: viewer?.isCollected ?? false,
        recomments,
      }),
    );
  }

  /** Reading time reported by the client: to the trace log and the article's reading statistics. */
  @Post('reading/durations')
  @Auth('optional')
  @RawResponse()
  async readingDuration(
    @Headers('trace') trace: string | undefined,
    @Body() body: ReadingDurationDto,
    @CurrentUser() reader: AuthUser | undefined,
  ): Promise<{ message: 'OK' }> {
    if (!trace)
      throw ArticleErrors.invalidField('Trace', 'Missing required parameter in the HTTP headers');
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
