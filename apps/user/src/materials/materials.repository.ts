import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type FindOptionsWhere, Not, type Repository } from 'typeorm';

import { MaterialEntity, MaterialStatus, MaterialType } from './material.entity';

/** What the library shows of an image. */
export type ImageRow = Pick<MaterialEntity, 'id' | 'url' | 'isCollected'>;

const IMAGE_COLUMNS = { id: true, url: true, isCollected: true } as const;

@Injectable()
export class MaterialsRepository {
  constructor(
    @InjectRepository(MaterialEntity) private readonly materials: Repository<MaterialEntity>,
  ) {}

  /**
   * Inserts the (user, hash) image or returns the existing row. A deleted row comes back as a
   * fresh image (approved, uncollected, newest); any other row keeps its status, so a re-upload
   * never undoes a review. Assignments run left to right, so `status` is tested before it changes.
   */
  async upsertImage(userId: string, key: string, hash: string): Promise<ImageRow> {
    await this.materials.query(
      `INSERT INTO user_material (user_id, type, hash, url, status, is_collected)
       VALUES (?, ?, ?, ?, ?, 0)
       ON DUPLICATE KEY UPDATE
         is_collected = IF(status = ?, 0, is_collected),
         create_time = IF(status = ?, CURRENT_TIMESTAMP, create_time),
         url = VALUES(url),
         status = IF(status = ?, ?, status)`,
      [
        userId,
        MaterialType.Image,
        hash,
        key,
        MaterialStatus.Approved,
        MaterialStatus.Deleted,
        MaterialStatus.Deleted,
        MaterialStatus.Deleted,
        MaterialStatus.Approved,
      ],
    );
    return this.materials.findOneOrFail({ select: IMAGE_COLUMNS, where: { userId, hash } });
  }

  /** One page of the user's live images, collected first, then newest. */
  async listImages(
    userId: string,
    collectedOnly: boolean,
    offset: number,
    limit: number,
  ): Promise<{ total: number; rows: ImageRow[] }> {
    const where: FindOptionsWhere<MaterialEntity> = {
      userId,
      type: MaterialType.Image,
      status: Not(MaterialStatus.Deleted),
      ...(collectedOnly ? { isCollected: true } : {}),
    };
    const [rows, total] = await this.materials.findAndCount({
      select: IMAGE_COLUMNS,
      where,
      order: { isCollected: 'DESC', createTime: 'DESC', id: 'DESC' },
      skip: offset,
      take: limit,
    });
    return { total, rows };
  }

  /** The user's live image `id`, or null (missing, deleted or another user's). */
  findLiveImage(userId: string, id: number): Promise<ImageRow | null> {
    return this.materials.findOne({
      select: IMAGE_COLUMNS,
      where: { id, userId, type: MaterialType.Image, status: Not(MaterialStatus.Deleted) },
    });
  }

  /** Sets `is_collected` of the user's live image; false when there is no such image. */
  async setCollected(userId: string, id: number, collect: boolean): Promise<boolean> {
    if (!(await this.findLiveImage(userId, id))) return false;
    await this.materials.update(
      { id, userId, status: Not(MaterialStatus.Deleted) },
      { isCollected: collect },
    );
    return true;
  }

  /** Soft-deletes the user's live image; false when there is no such image. */
  async softDelete(userId: string, id: number): Promise<boolean> {
    const result = await this.materials.update(
      { id, userId, type: MaterialType.Image, status: Not(MaterialStatus.Deleted) },
      { status: MaterialStatus.Deleted },
    );
    return (result.affected ?? 0) > 0;
  }
}
