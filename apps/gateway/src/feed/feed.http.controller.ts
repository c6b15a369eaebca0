import { Auth, type AuthenticatedRequest, type AuthUser, CurrentUser } from '@app/auth';
import { envelopeJson, JSON_CONTENT_TYPE } from '@app/grpc';
import { Controller, Get, Header, Query, Req } from '@nestjs/common';

import { articleCardsJson } from '../articles/article-card.json';

import { type FeedQuery, FeedQueryPipe } from './dto/feed-query.pipe';
import { LatestArticlesQueryDto } from './dto/latest-articles-query.dto';
import type { FeedViewer } from './feed-viewer';
import { HomeFeedReader } from './home-feed.reader';
import { type LatestPageView, LatestPagesReader } from './latest-pages.reader';
import { ANONYMOUS_TRACK_USER } from './tracking.util';

const DEFAULT_PER_PAGE = 10;

/** The article lists of the home page (reference 1.2 and 4.3), for signed-in users and `Anony` devices. */
@Controller()
export class FeedHttpController {
  constructor(
    private readonly feed: HomeFeedReader,
    private readonly latest: LatestPagesReader,
  ) {}

  /** `FeedView`, serialized here: each card once while the feed reuses it. */
  @Get('v1_1/articles')
  @Auth('optional')
  @Header('content-type', JSON_CONTENT_TYPE)
  async home(
    @Query(FeedQueryPipe) query: FeedQuery,
    @CurrentUser() user: AuthUser | undefined,
    @Req() request: AuthenticatedRequest,
  ): Promise<string> {
    const view = await this.feed.read(
      viewerOf(user, request),
      query.channel_id,
      query.timestamp,
      query.with_top === 1,
    );
    return envelopeJson(
      `{"pre_timestamp":${JSON.stringify(view.pre_timestamp)},"results":${articleCardsJson(view.results)}}`,
    );
  }

  @Get('v1_0/articles')
  @Auth('optional')
  latestPage(
    @Query() query: LatestArticlesQueryDto,
    @CurrentUser() user: AuthUser | undefined,
    @Req() request: AuthenticatedRequest,
  ): Promise<LatestPageView> {
    const trackUser = viewerOf(user, request)?.id ?? ANONYMOUS_TRACK_USER;
    return this.latest.read(
      trackUser,
      query.channel_id,
      query.page ?? 1,
      query.per_page ?? DEFAULT_PER_PAGE,
    );
  }
}

function viewerOf(
  user: AuthUser | undefined,
  request: AuthenticatedRequest,
): FeedViewer | undefined {
  if (user) return { kind: 'user', id: user.userId };
  return request.anonymousId ? { kind: 'device', id: request.anonymousId } : undefined;
}
