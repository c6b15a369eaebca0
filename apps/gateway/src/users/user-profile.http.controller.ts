import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import type { userV1 } from '@app/contracts';
import { InjectGrpcClient, unary, USER_GRPC } from '@app/grpc';
import { Body, Controller, Get, HttpCode, Patch, Req } from '@nestjs/common';
import type { CheckedImage, StoredImage } from '@app/storage';
import type { FastifyRequest } from 'fastify';

import { UpdateProfileDto } from './dto/update-profile.dto';
import {
  Base64ImagesBody,
  PROFILE_IMAGE_FIELDS,
  ProfileImageStore,
  type ProfileImages,
} from './profile-images';
import { type ProfileChangesView, ProfilePresenter, type ProfileView } from './profile.presenter';
import { type UserCard, UserCardPresenter } from './user-card.presenter';

/** The signed-in user's own card, profile, photos and figures (reference guard L on all). */
@Controller('v1_0/user')
@Auth()
export class UserProfileHttpController {
  constructor(
    @InjectGrpcClient(USER_GRPC) private readonly users: userV1.UserServiceClient,
    private readonly cards: UserCardPresenter,
    private readonly profiles: ProfilePresenter,
    private readonly images: ProfileImageStore,
  ) {}

  @Get()
  async getSelf(@CurrentUser() me: AuthUser): Promise<UserCard> {
    const { user } = await unary(this.users.getUser({ userId: me.userId }));
    return this.cards.present(user);
  }

  @Get('profile')
  async getProfile(@CurrentUser() me: AuthUser): Promise<ProfileView> {
    const { profile } = await unary(this.users.getProfile({ userId: me.userId }));
    return this.profiles.present(profile);
  }

  @Patch('profile')
  @HttpCode(201)
  @Base64ImagesBody(PROFILE_IMAGE_FIELDS.length)
  async updateProfile(
    @CurrentUser() me: AuthUser,
    @Body() body: UpdateProfileDto,
  ): Promise<ProfileChangesView> {
    const images = this.images.checkAll({
      photo: body.photo,
      id_card_front: body.id_card_front,
      id_card_back: body.id_card_back,
      id_card_handheld: body.id_card_handheld,
    });
    const { profile, stored } = await this.saveWithImages(
      {
        userId: me.userId,
        name: body.name,
        gender: body.gender,
        birthday: body.birthday,
        intro: body.intro,
        realName: body.real_name,
        idNumber: body.id_number,
      },
      images,
    );
    return this.profiles.presentChanges(me.userId, body, profile, stored);
  }

  /** Multipart `photo`, `id_card_front`, `id_card_back`, `id_card_handheld`; each optional. */
  @Patch('photo')
  @HttpCode(201)
  async updatePhotos(
    @CurrentUser() me: AuthUser,
    @Req() request: FastifyRequest,
  ): Promise<{ id: string } & ProfileImages<string>> {
    const images = this.images.checkAll(await this.images.readMultipart(request));
    if (Object.keys(images).length === 0) return { id: me.userId };
    const { stored } = await this.saveWithImages({ userId: me.userId }, images);
    return { id: me.userId, ...this.profiles.imageUrls(stored) };
  }

  /**
   * Saves `changes` with the keys of `images`. The user service first checks the save without
   * writing (a dry run): a save it refuses (a changed name it does not accept, say) stores no
   * image. Only then are the images stored and the save made.
   */
  private async saveWithImages(
    changes: userV1.UpdateProfileRequest,
    images: ProfileImages<CheckedImage>,
  ): Promise<{ profile: userV1.Profile | undefined; stored: ProfileImages<StoredImage> }> {
    const request: userV1.UpdateProfileRequest = {
      ...changes,
      photo: images.photo?.key,
      idCardFront: images.id_card_front?.key,
      idCardBack: images.id_card_back?.key,
      idCardHandheld: images.id_card_handheld?.key,
    };
    if (Object.keys(images).length > 0)
      await unary(this.users.updateProfile({ ...request, dryRun: true }));
    const stored = await this.images.putAll(images);
    const { profile } = await unary(this.users.updateProfile(request));
    return { profile, stored };
  }

  @Get('figure')
  async getFigure(
    @CurrentUser() me: AuthUser,
  ): Promise<{ fans_count: number; read_count: number }> {
    const { fansCount, readCount } = await unary(this.users.getFigure({ userId: me.userId }));
    return { fans_count: Number(fansCount), read_count: Number(readCount) };
  }
}
