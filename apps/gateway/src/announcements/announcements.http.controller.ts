import { APP_CONFIG, formatPubdate } from '@app/config';
import type { announcementV1 } from '@app/contracts';
import { ANNOUNCEMENT_GRPC, AppError, InjectGrpcClient, PageQueryDto, unary } from '@app/grpc';
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';

import type { Page } from '../articles/article-card';
import type { GatewayConfig } from '../config/gateway.config';

export interface AnnouncementItem {
  id: number;
  title: string;
  pubdate: string;
}

export interface AnnouncementView extends AnnouncementItem {
  content: string;
}

const DEFAULT_PER_PAGE = 10;
const ANNOUNCEMENT_ID = /^[1-9]\d{0,9}$/;
const MAX_ANNOUNCEMENT_ID = 2 ** 31 - 1;

@Controller('v1_0/announcements')
export class AnnouncementsHttpController {
  constructor(
    @InjectGrpcClient(ANNOUNCEMENT_GRPC)
    private readonly announcements: announcementV1.AnnouncementServiceClient,
    @Inject(APP_CONFIG) private readonly config: Pick<GatewayConfig, 'TZ'>,
  ) {}

  @Get()
  async list(@Query() query: PageQueryDto): Promise<Page<AnnouncementItem>> {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? DEFAULT_PER_PAGE;
    const { totalCount, results } = await unary(
      this.announcements.listAnnouncements({ page, perPage }),
    );
    return {
      total_count: totalCount,
      page,
      per_page: perPage,
      results: results.map((item) => ({
        id: item.id,
        title: item.title,
        pubdate: this.pubdate(item.pubdate),
      })),
    };
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<AnnouncementView> {
    const announcementId = Number(id);
    if (!ANNOUNCEMENT_ID.test(id) || announcementId > MAX_ANNOUNCEMENT_ID)
      throw AppError.invalid('Invalid announcement.');
    const { announcement } = await unary(this.announcements.getAnnouncement({ announcementId }));
    if (!announcement) throw AppError.invalid('Invalid announcement.');
    return {
      id: announcement.id,
      title: announcement.title,
      content: announcement.content,
      pubdate: this.pubdate(announcement.pubdate),
    };
  }

  private pubdate(iso: string): string {
    return formatPubdate(iso, this.config.TZ);
  }
}
