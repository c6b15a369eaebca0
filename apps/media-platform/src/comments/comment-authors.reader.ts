import { APP_CONFIG } from '@app/config';
import type { userV1 } from '@app/contracts';
import { InjectGrpcClient, isGrpcServiceError, unary, USER_GRPC } from '@app/grpc';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';

import type { MediaPlatformConfig } from '../config/media-platform.config';

/** The reference's default avatar key, shown when a user has no photo or is gone. */
const DEFAULT_PHOTO_KEY = 'Fkj6tQi3xJwVXi1u2swCElotfdCi';

/** Name and photo URL of a commenter. */
export interface CommentAuthor {
  name: string;
  photo: string;
}

/** Commenters' names and photos from UserService.GetUser, one call per distinct user. */
@Injectable()
export class CommentAuthorsReader {
  constructor(
    @InjectGrpcClient(USER_GRPC) private readonly users: userV1.UserServiceClient,
    @Inject(APP_CONFIG) private readonly config: Pick<MediaPlatformConfig, 'STORAGE_PUBLIC_URL'>,
  ) {}

  /** Authors by id; a user that is gone shows with no name and the default photo. */
  async read(userIds: readonly string[]): Promise<Map<string, CommentAuthor>> {
    const ids = [...new Set(userIds)];
    const loaded = await Promise.all(ids.map((id) => this.load(id)));
    return new Map(ids.map((id, index) => [id, loaded[index]]));
  }

  private async load(userId: string): Promise<CommentAuthor> {
    try {
      const { user } = await unary(this.users.getUser({ userId }));
      return { name: user?.name ?? '', photo: this.photoUrl(user?.photo ?? '') };
    } catch (error) {
      const gone =
        isGrpcServiceError(error) &&
        (error.code === GrpcStatus.NOT_FOUND || error.code === GrpcStatus.INVALID_ARGUMENT);
      if (gone) return { name: '', photo: this.photoUrl('') };
      throw error;
    }
  }

  private photoUrl(key: string): string {
    return this.config.STORAGE_PUBLIC_URL + (key || DEFAULT_PHOTO_KEY);
  }
}
