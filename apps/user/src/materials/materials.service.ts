import type { materialV1 } from '@app/contracts';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Injectable } from '@nestjs/common';

import { MaterialErrors } from './material.errors';
import { type ImageRow, MaterialsRepository } from './materials.repository';

export const IMAGE_PER_PAGE = { min: 1, max: 50, default: 20 } as const;

// Keys the edges produce (content hashes) and legacy Qiniu keys; never paths or URLs.
const STORAGE_KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
const CONTENT_HASH = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_IMAGE_ID = 0xffffffff;

function toImage(row: ImageRow): materialV1.Image {
  return { id: row.id, key: row.url, isCollected: row.isCollected };
}

/** `page` (0 → 1) and `per_page` (0 → 20, else 1..50) of the image list. */
export function normalizeImagePage(
  page: number,
  perPage: number,
): { page: number; perPage: number } {
  if (!Number.isInteger(page) || page < 0) throw MaterialErrors.invalidPage();
  if (
    !Number.isInteger(perPage) ||
    (perPage !== 0 && (perPage < IMAGE_PER_PAGE.min || perPage > IMAGE_PER_PAGE.max))
  ) {
    throw MaterialErrors.invalidPerPage();
  }
  return { page: page || 1, perPage: perPage || IMAGE_PER_PAGE.default };
}

/** An author's image library; every operation is scoped to the caller's own rows. */
@Injectable()
export class MaterialsService {
  constructor(private readonly materials: MaterialsRepository) {}

  async addImage(userId: string, key: string, hash: string): Promise<materialV1.Image> {
    this.checkUser(userId);
    if (!STORAGE_KEY.test(key) || !CONTENT_HASH.test(hash)) throw MaterialErrors.invalidImage();
    return toImage(await this.materials.upsertImage(userId, key, hash));
  }

  async listImages(
    userId: string,
    collectedOnly: boolean,
    rawPage: number,
    rawPerPage: number,
  ): Promise<materialV1.ListImagesResponse> {
    this.checkUser(userId);
    const { page, perPage } = normalizeImagePage(rawPage, rawPerPage);
    const { total, rows } = await this.materials.listImages(
      userId,
      collectedOnly,
      (page - 1) * perPage,
      perPage,
    );
    return { totalCount: total, page, perPage, results: rows.map(toImage) };
  }

  async setCollected(userId: string, imageId: number, collect: boolean): Promise<void> {
    this.checkUser(userId);
    if (!this.isImageId(imageId) || !(await this.materials.setCollected(userId, imageId, collect)))
      throw MaterialErrors.imageNotFound();
  }

  /**
   * Soft-deletes the caller's image. One the caller does not have (deleted already, someone
   * else's, never stored) is no error and changes nothing, as the reference answered 204: the
   * publish admin reloads its list only once a delete succeeds.
   */
  async deleteImage(userId: string, imageId: number): Promise<void> {
    this.checkUser(userId);
    if (!this.isImageId(imageId)) throw MaterialErrors.imageNotFound();
    await this.materials.softDelete(userId, imageId);
  }

  private checkUser(userId: string): void {
    if (!SNOWFLAKE_ID.test(userId)) throw MaterialErrors.invalidUser();
  }

  private isImageId(id: number): boolean {
    return Number.isInteger(id) && id >= 1 && id <= MAX_IMAGE_ID;
  }
}
