import { APP_CONFIG, photoUrl } from '@app/config';
import type { userV1 } from '@app/contracts';
import { InjectGrpcClient, unary, USER_GRPC } from '@app/grpc';
import { Inject, Injectable } from '@nestjs/common';

import type { MediaPlatformConfig } from '../config/media-platform.config';

/** Name and photo URL of a commenter. */
export interface CommentAuthor {
  name: string;
  photo: string;
}

/** Commenters' names and photos from one UserService.GetUserNames call per page. */
@Injectable()
export class CommentAuthorsReader {
  constructor(
    @InjectGrpcClient(USER_GRPC) private readonly users: userV1.UserServiceClient,
    @Inject(APP_CONFIG) private readonly config: Pick<MediaPlatformConfig, 'STORAGE_PUBLIC_URL'>,
  ) {}

  /** Authors by id; a user that is gone shows with no name and the default photo. */
  async read(userIds: readonly string[]): Promise<Map<string, CommentAuthor>> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return new Map();
    const { users } = await unary(this.users.getUserNames({ userIds: ids }));
    const named = new Map(users.map((user) => [user.id, user]));
    return new Map(
      ids.map((id) => {
        const user = named.get(id);
        return [id, { name: user?.name ?? '', photo: this.photoUrl(user?.photo ?? '') }];
      }),
    );
  }

  private photoUrl(key: string): string {
    return photoUrl(this.config.STORAGE_PUBLIC_URL, key);
  }
}
