import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, type FindOptionsWhere, type Repository } from 'typeorm';

import { ArticleContentEntity } from './article-content.entity';
import { type ArticleCover, ArticleEntity, ArticleStatus } from './article.entity';

/** The columns of an approved article that readers see on cards. */
export interface ArticleInfoRow {
  id: string;
  userId: string;
  channelId: number;
  title: string;
  cover: ArticleCover;
  allowComment: boolean;
  createTime: Date;
}

export interface ArticleDetailRow {
  id: string;
  userId: string;
  channelId: number;
  title: string;
  createTime: Date;
  content: string;
}

interface RawDetailRow {
  id: string;
  userId: string;
  channelId: number | string;
  title: string;
  createTime: Date;
  content: string | null;
}

/** Reads of approved (status 2) articles; every method is one SQL statement. */
@Injectable()
export class ArticlesRepository {
  constructor(@InjectRepository(ArticleEntity) private readonly articles: Repository<ArticleEntity>) {}

  async findApprovedDetail(articleId: string): Promise<ArticleDetailRow | null> {
    const row = await this.articles
      .createQueryBuilder('a')
      .leftJoin(ArticleContentEntity, 'c', 'c.article_id = a.article_id')
      .select('a.article_id', 'id')
      .addSelect('a.user_id', 'userId')
      .addSelect('a.channel_id', 'channelId')
      .addSelect('a.title', 'title')
      .addSelect('a.create_time', 'createTime')
      .addSelect('c.content', 'content')
      .where('a.article_id = :articleId AND a.status = :status', { articleId, status: ArticleStatus.Approved })
      .getRawOne<RawDetailRow>();
    if (!row) return null;
    return { ...row, channelId: Number(row.channelId), content: row.content ?? '' };
  }

  findApprovedInfos(articleIds: readonly string[]): Promise<ArticleInfoRow[]> {
    return this.articles.find({
      select: { id: true, userId: true, channelId: true, title: true, cover: true, allowComment: true, createTime: true },
      where: { id: In([...articleIds]), status: ArticleStatus.Approved },
    });
  }

  /** Every approved article of an author with its creation time (the `user:{uid}:art` zset). */
  findApprovedByAuthor(userId: string): Promise<Array<{ id: string; createTime: Date }>> {
    return this.articles.find({
      select: { id: true, createTime: true },
      where: { userId, status: ArticleStatus.Approved },
    });
  }

  /** Newest approved ids of a channel (0 = all), below `beforeId` when given. */
  async findLatestIds(channelId: number, limit: number, beforeId?: string): Promise<string[]> {
    const where: FindOptionsWhere<ArticleEntity> = { status: ArticleStatus.Approved };
    if (channelId > 0) where.channelId = channelId;
    if (beforeId) where.id = LessThan(beforeId);
    const rows = await this.articles.find({ select: { id: true }, where, order: { id: 'DESC' }, take: limit });
    return rows.map((row) => row.id);
  }
}
