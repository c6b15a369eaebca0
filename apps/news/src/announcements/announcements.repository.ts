import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { AnnouncementEntity, AnnouncementStatus } from './announcement.entity';

/** What `announcement` holds per announcement. */
export interface AnnouncementSummary {
  id: number;
  title: string;
  /** ISO UTC instant. */
  pubdate: string;
}

/** What `announcement:{id}` holds. */
export interface AnnouncementDetail extends AnnouncementSummary {
  content: string;
}

const pubdateOf = (row: AnnouncementEntity): string =>
  (row.publishTime ?? row.createTime).toISOString();

@Injectable()
export class AnnouncementsRepository {
  constructor(
    @InjectRepository(AnnouncementEntity)
    private readonly announcements: Repository<AnnouncementEntity>,
  ) {}

  /** Every published announcement, newest (highest id) first, without contents. */
  async findPublished(): Promise<AnnouncementSummary[]> {
    const rows = await this.announcements.find({
      select: { id: true, title: true, publishTime: true, createTime: true },
      where: { status: AnnouncementStatus.Published },
      order: { id: 'DESC' },
    });
    return rows.map((row) => ({ id: row.id, title: row.title, pubdate: pubdateOf(row) }));
  }

  async findPublishedById(id: number): Promise<AnnouncementDetail | null> {
    const row = await this.announcements.findOneBy({ id, status: AnnouncementStatus.Published });
    return row && { id: row.id, title: row.title, content: row.content, pubdate: pubdateOf(row) };
  }
}
