import type { userV1 } from '@app/contracts';
import type { StoredImage } from '@app/storage';
import { Injectable } from '@nestjs/common';

import type { UpdateProfileDto } from './dto/update-profile.dto';
import type { ProfileImages } from './profile-images';
import { UserCardPresenter } from './user-card.presenter';

/** GET /user/profile as the mobile client reads it. */
export interface ProfileView {
  id: string;
  name: string;
  photo: string;
  mobile: string;
  gender: number;
  birthday: string;
}

/** PATCH answers: the id plus every field that was sent, images as URLs. */
export type ProfileChangesView = { id: string } & Partial<
  Record<
    | 'name'
    | 'birthday'
    | 'intro'
    | 'real_name'
    | 'id_number'
    | 'photo'
    | 'id_card_front'
    | 'id_card_back'
    | 'id_card_handheld',
    string
  > &
    Record<'gender', number>
>;

@Injectable()
export class ProfilePresenter {
  constructor(private readonly cards: UserCardPresenter) {}

  present(profile: userV1.Profile | undefined): ProfileView {
    if (!profile) throw new Error('user service answered without a profile');
    return {
      id: profile.id,
      name: profile.name,
      photo: this.cards.photoUrl(profile.photo),
      mobile: profile.mobile,
      gender: profile.gender,
      birthday: profile.birthday,
    };
  }

  /** The sent fields with the values the service stored (e.g. an upper-cased id number). */
  presentChanges(
    userId: string,
    sent: UpdateProfileDto,
    profile: userV1.Profile | undefined,
    images: ProfileImages<StoredImage>,
  ): ProfileChangesView {
    if (!profile) throw new Error('user service answered without a profile');
    const view: ProfileChangesView = { id: userId };
    if (sent.name !== undefined) view.name = profile.name;
    if (sent.gender !== undefined) view.gender = profile.gender;
    if (sent.birthday !== undefined) view.birthday = profile.birthday;
    if (sent.intro !== undefined) view.intro = profile.intro;
    if (sent.real_name !== undefined) view.real_name = profile.realName;
    if (sent.id_number !== undefined) view.id_number = profile.idNumber;
    return { ...view, ...this.imageUrls(images) };
  }

  imageUrls(images: ProfileImages<StoredImage>): ProfileImages<string> {
    return Object.fromEntries(Object.entries(images).map(([field, image]) => [field, image.url]));
  }
}
