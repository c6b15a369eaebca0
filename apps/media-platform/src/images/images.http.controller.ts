import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import type { materialV1 } from '@app/contracts';
import { AppError, InjectGrpcClient, MATERIAL_GRPC, unary } from '@app/grpc';
import { ImageStorage } from '@app/storage';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { CollectImageDto } from './dto/collect-image.dto';
import { ImagePageQueryDto } from './dto/image-page-query.dto';
import { MultipartImageReader } from './multipart-image.reader';

export interface ImageView {
  id: number;
  url: string;
  is_collected: boolean;
}

export interface ImagePage {
  total_count: number;
  page: number;
  per_page: number;
  results: ImageView[];
}

// Image ids are INT UNSIGNED; anything else in the path names no image.
const IMAGE_ID = /^[1-9]\d{0,9}$/;
const MAX_IMAGE_ID = 0xffffffff;

function parseImageId(raw: string): number {
  const id = IMAGE_ID.test(raw) ? Number(raw) : 0;
  if (id < 1 || id > MAX_IMAGE_ID) throw AppError.notFound('The image does not exist.');
  return id;
}

/** The author's image library (covers of articles); guard V on every route. */
@Controller('v1_0/user/images')
@Auth('verified')
export class ImagesHttpController {
  constructor(
    @InjectGrpcClient(MATERIAL_GRPC) private readonly materials: materialV1.MaterialServiceClient,
    private readonly uploads: MultipartImageReader,
    private readonly storage: ImageStorage,
  ) {}

  /** Multipart `image`; the same content twice answers the same id. */
  @Post()
  async upload(
    @CurrentUser() me: AuthUser,
    @Req() request: FastifyRequest,
  ): Promise<{ id: number; url: string }> {
    const stored = await this.uploads.storeField(request, 'image', 'Uploading image failed.');
    const { image } = await unary(
      this.materials.addImage({ userId: me.userId, key: stored.key, hash: stored.hash }),
    );
    if (!image) throw new Error('user service answered without an image');
    return { id: image.id, url: this.storage.url(image.key) };
  }

  /** Collected first, then newest; `collect=true` lists only collected images. */
  @Get()
  async list(@CurrentUser() me: AuthUser, @Query() query: ImagePageQueryDto): Promise<ImagePage> {
    const page = await unary(
      this.materials.listImages({
        userId: me.userId,
        collect: query.collect ?? false,
        page: query.page ?? 0,
        perPage: query.per_page ?? 0,
      }),
    );
    return {
      total_count: page.totalCount,
      page: page.page,
      per_page: page.perPage,
      results: (page.results ?? []).map((image) => ({
        id: image.id,
        url: this.storage.url(image.key),
        is_collected: image.isCollected,
      })),
    };
  }

  @Put(':id')
  @HttpCode(201)
  async collect(
    @CurrentUser() me: AuthUser,
    @Param('id') rawId: string,
    @Body() body: CollectImageDto,
  ): Promise<{ id: number; collect: boolean }> {
    const result = await unary(
      this.materials.setCollected({
        userId: me.userId,
        imageId: parseImageId(rawId),
        collect: body.collect,
      }),
    );
    return { id: result.imageId, collect: result.collect };
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentUser() me: AuthUser, @Param('id') rawId: string): Promise<void> {
    await unary(this.materials.deleteImage({ userId: me.userId, imageId: parseImageId(rawId) }));
  }
}
