import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import { APP_CONFIG } from '@app/config';
import type { authoringV1, channelV1 } from '@app/contracts';
import { AUTHORING_GRPC, CHANNEL_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';

import type { MediaPlatformConfig } from '../config/media-platform.config';
import { articleIdParam } from './article-id.param';
import { checkListedChannels, createdRange } from './article-filters';
import {
  type MpArticle,
  type MpListItem,
  type Page,
  presentArticle,
  presentListItem,
} from './article.presenter';
import { ArticleBodyDto } from './dto/article-body.dto';
import { DraftQueryDto } from './dto/draft-query.dto';
import {
  APPROVED_STATUS,
  ListArticlesQueryDto,
  type ResponseType,
} from './dto/list-articles-query.dto';

const DEFAULT_PER_PAGE = 10;

/**
 * The statuses a list asks for ([] = every one but deleted and banned), or `null` when none can
 * match. The comment and statistic lists hold approved articles only, as the reference's: the
 * comment page's switch PUTs /comments/status, which takes approved articles only.
 */
function listedStatuses(type: ResponseType, requested: number[] | undefined): number[] | null {
  if (type === 'default') return requested ?? [];
  if (requested?.length && !requested.includes(APPROVED_STATUS)) return null;
  return [APPROVED_STATUS];
}

/** The article a create or an update sends news: the body as saved, a draft when the query says so. */
function authoredArticle(
  body: ArticleBodyDto,
  query: DraftQueryDto,
): Omit<authoringV1.CreateArticleRequest, 'userId'> {
  return {
    title: body.title,
    content: body.content,
    cover: { type: body.cover.type, images: body.cover.images },
    channelId: body.channel_id,
    draft: query.draft ?? false,
  };
}

/** An author's own articles. Ownership is enforced by the news service on every call (user id from the token). */
@Controller('v1_0')
@Auth('verified')
export class ArticlesHttpController {
  constructor(
    @InjectGrpcClient(AUTHORING_GRPC)
    private readonly authoring: authoringV1.AuthoringServiceClient,
    @InjectGrpcClient(CHANNEL_GRPC) private readonly channels: channelV1.ChannelServiceClient,
    @Inject(APP_CONFIG) private readonly config: Pick<MediaPlatformConfig, 'TZ'>,
  ) {}

  /** 201 `{id}`; draft → status 0, otherwise pending review (1). */
  @Post('articles')
  async create(
    @CurrentUser() user: AuthUser,
    @Query() query: DraftQueryDto,
    @Body() body: ArticleBodyDto,
  ): Promise<{ id: string }> {
    const { articleId } = await unary(
      this.authoring.createArticle({ userId: user.userId, ...authoredArticle(body, query) }),
    );
    return { id: articleId };
  }

  @Get('articles')
  async list(
    @CurrentUser() user: AuthUser,
    @Query() query: ListArticlesQueryDto,
  ): Promise<Page<MpListItem>> {
    const { createdFrom, createdBefore } = createdRange(
      query.begin_pubdate,
      query.end_pubdate,
      this.config.TZ,
    );
    await checkListedChannels(this.channels, query.channel_id ?? []);
    const page = query.page ?? 1;
    const perPage = query.per_page ?? DEFAULT_PER_PAGE;
    const type = query.response_type ?? 'default';
    const statuses = listedStatuses(type, query.status);
    if (statuses === null) return { total_count: 0, page, per_page: perPage, results: [] };
    const reply = await unary(
      this.authoring.listAuthoredArticles({
        userId: user.userId,
        statuses,
        channelIds: query.channel_id ?? [],
        createdFrom,
        createdBefore,
        page,
        perPage,
      }),
    );
    return {
      total_count: reply.totalCount,
      page,
      per_page: perPage,
      results: (reply.articles ?? []).map((row) => presentListItem(row, type, this.config.TZ)),
    };
  }

  /** `{}` for an id that is not an own article (missing, deleted or someone else's), as the reference. */
  @Get('articles/:id')
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
  ): Promise<MpArticle | Record<string, never>> {
    const article = await unary(
      this.authoring.getAuthoredArticle({ userId: user.userId, articleId: articleIdParam(id) }),
    );
    return article.articleId ? presentArticle(article) : {};
  }

  /** 201 `{id}`; the body's `id`, `status`, `pubdate` and other loaded fields are ignored. */
  @Put('articles/:id')
  @HttpCode(201)
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Query() query: DraftQueryDto,
    @Body() body: ArticleBodyDto,
  ): Promise<{ id: string }> {
    const { articleId } = await unary(
      this.authoring.updateArticle({
        userId: user.userId,
        articleId: articleIdParam(id),
        ...authoredArticle(body, query),
      }),
    );
    return { id: articleId };
  }

  @Delete('articles/:id')
  @HttpCode(204)
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    await unary(
      this.authoring.deleteArticle({ userId: user.userId, articleId: articleIdParam(id) }),
    );
  }
}
