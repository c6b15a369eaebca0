import { APP_CONFIG, photoUrl } from '@app/config';
import type { userV1 } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';

import type { GatewayConfig } from '../config/gateway.config';

/** UserInfo as the mobile client reads it (reference 1.1). */
export interface UserCard {
  id: string;
  name: string;
  photo: string;
  is_media: boolean;
  intro: string;
  certi: string;
  art_count: number;
  follow_count: number;
  fans_count: number;
  like_count: number;
}

@Injectable()
export class UserCardPresenter {
  constructor(@Inject(APP_CONFIG) private readonly config: GatewayConfig) {}

  present(user: userV1.UserInfo | undefined): UserCard {
    if (!user) throw new Error('user service answered without a user');
    return {
      id: user.id,
      name: user.name,
      photo: this.photoUrl(user.photo),
      is_media: user.isMedia,
      intro: user.intro,
      certi: user.certi,
      art_count: Number(user.artCount),
      follow_count: Number(user.followCount),
      fans_count: Number(user.fansCount),
      like_count: Number(user.likeCount),
    };
  }

  photoUrl(key: string): string {
    return photoUrl(this.config.STORAGE_PUBLIC_URL, key);
  }
}
