import { CacheKeys, CacheTtl, TwoLevelCache } from '@app/cache';
import { AppError } from '@app/grpc';
import { Injectable } from '@nestjs/common';

import {
  type AnnouncementDetail,
  type AnnouncementSummary,
  AnnouncementsRepository,
} from './announcements.repository';

export const ANNOUNCEMENTS_PER_PAGE = { min: 10, max: 50 } as const;
const MAX_ANNOUNCEMENT_ID = 2 ** 31 - 1;

export interface AnnouncementPage {
  totalCount: number;
  results: AnnouncementSummary[];
}

const invalidAnnouncement = (): AppError => AppError.invalid('Invalid announcement.');

/**
 * Published announcements, read through the two-level cache: `announcement` holds the whole
 * (short) published list, `announcement:{id}` one announcement or a null marker for ids that
 * are unknown or not published. Whoever publishes or withdraws one invalidates both keys.
 */
@Injectable()
export class AnnouncementsService {
  constructor(
    private readonly announcements: AnnouncementsRepository,
    private readonly cache: TwoLevelCache,
  ) {}

  async list(page: number, perPage: number): Promise<AnnouncementPage> {
    const currentPage = page || 1;
    const size = perPage || ANNOUNCEMENTS_PER_PAGE.min;
    if (currentPage < 1 || size < ANNOUNCEMENTS_PER_PAGE.min || size > ANNOUNCEMENTS_PER_PAGE.max) {
      throw AppError.invalid('Invalid request.');
    }
    const all =
      (await this.cache.get(CacheKeys.announcements(), () => this.announcements.findPublished(), {
        ttl: CacheTtl.announcements,
        missingTtl: CacheTtl.announcementMissing,
      })) ?? [];
    const offset = (currentPage - 1) * size;
    return { totalCount: all.length, results: all.slice(offset, offset + size) };
  }

  async get(id: number): Promise<AnnouncementDetail> {
    if (!Number.isInteger(id) || id < 1 || id > MAX_ANNOUNCEMENT_ID) throw invalidAnnouncement();
    const announcement = await this.cache.get(
      CacheKeys.announcement(id),
      () => this.announcements.findPublishedById(id),
      {
        ttl: CacheTtl.announcement,
        missingTtl: CacheTtl.announcementMissing,
      },
    );
    if (!announcement) throw invalidAnnouncement();
    return announcement;
  }
}
