import { Auth, type AuthenticatedRequest } from '@app/auth';
import { ENVELOPE_HEAD, ENVELOPE_TAIL, JSON_CONTENT_TYPE } from '@app/grpc';
import { Controller, Get, Header, Query, Req } from '@nestjs/common';

import { articleCardsJson } from '../articles/article-card.json';

import { type FeedQuery, FeedQueryPipe } from './dto/feed-query.pipe';
import { LatestArticlesQueryDto } from './dto/latest-articles-query.dto';
import { invalidChannelId } from './feed-channel.util';
import { deviceViewer, type FeedViewer } from './feed-viewer';
import { HomeFeedReader } from './home-feed.reader';
import { type LatestPageView, LatestPagesReader } from './latest-pages.reader';
import { ANONYMOUS_TRACK_USER } from './tracking.util';
import { VisibleChannelsReader } from './visible-channels.reader';

const DEFAULT_PER_PAGE = 10;

/** The article lists of the home page (reference 1.2 and 4.3), for signed-in users and `Anony` devices. */
@Controller()
export class FeedHttpController {
  constructor(
    private readonly feed: HomeFeedReader,
    private readonly latest: LatestPagesReader,
    private readonly channels: VisibleChannelsReader,
  ) {}

  /** `FeedView`, serialized here: each card once while the feed reuses it. */
  @Get('v1_1/articles')
  @Auth('optional')
  @Header('content-type', JSON_CONTENT_TYPE)
  async home(
    @Query(FeedQueryPipe) query: FeedQuery,
    @Req() request: AuthenticatedRequest,
  ): Promise<Buffer> {
    await this.refuseInvisibleChannel(query.channel_id);
    const view = await this.feed.read(
      viewerOf(request),
      query.channel_id,
      query.timestamp,
      query.with_top === 1,
    );
    return articleCardsJson(
      `${ENVELOPE_HEAD}{"pre_timestamp":${JSON.stringify(view.pre_timestamp)},"results":`,
      view.results,
      `}${ENVELOPE_TAIL}`,
    );
  }

  @Get('v1_0/articles')
  @Auth('optional')
  async latestPage(
    @Query() query: LatestArticlesQueryDto,
    @Req() request: AuthenticatedRequest,
  ): Promise<LatestPageView> {
    await this.refuseInvisibleChannel(query.channel_id);
    const trackUser = viewerOf(request)?.id ?? ANONYMOUS_TRACK_USER;
    return this.latest.read(
      trackUser,
      query.channel_id,
      query.page ?? 1,
      query.per_page ?? DEFAULT_PER_PAGE,
    );
  }

  /** 400 before anything is read or written for a channel that is neither 推荐 nor visible. */
  private async refuseInvisibleChannel(channelId: number): Promise<void> {
    if (!(await this.channels.accepts(channelId))) throw invalidChannelId();
  }
}

/**
 * The signed-in user, else the `Anony` device, as the auth guard left them on the request (read
 * here rather than through `@CurrentUser()`: each parameter decorator costs the busiest route a
 * context and a pipe chain per request).
 */
function viewerOf(request: AuthenticatedRequest): FeedViewer | undefined {
  const user = request.authUser;
  if (user) return { kind: 'user', id: user.userId };
  return request.anonymousId ? deviceViewer(request.anonymousId) : undefined;
}
