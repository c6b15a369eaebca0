import { Auth, type AuthUser, CurrentUser } from '@app/auth';
import { APP_CONFIG, photoUrl } from '@app/config';
import type { userV1 } from '@app/contracts';
import { InjectGrpcClient, unary, USER_GRPC } from '@app/grpc';
import { Body, Controller, Get, HttpCode, Inject, Patch, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import type { MediaPlatformConfig } from '../config/media-platform.config';
import { MultipartImageReader } from '../images/multipart-image.reader';
import { UpdateMpProfileDto } from './dto/update-mp-profile.dto';

export interface MpProfileView {
  id: string;
  name: string;
  intro: string;
  photo: string;
  email: string;
  mobile: string;
}

export type MpProfileChanges = { id: string } & Partial<Record<'name' | 'intro' | 'email', string>>;

function requireProfile(profile: userV1.Profile | undefined): userV1.Profile {
  if (!profile) throw new Error('user service answered without a profile');
  return profile;
}

/** The author's own profile on the media platform; guard V on every route. */
@Controller('v1_0/user')
@Auth('verified')
export class ProfileHttpController {
  constructor(
    @InjectGrpcClient(USER_GRPC) private readonly users: userV1.UserServiceClient,
    @Inject(APP_CONFIG) private readonly config: MediaPlatformConfig,
    private readonly uploads: MultipartImageReader,
  ) {}

  @Get('profile')
  async get(@CurrentUser() me: AuthUser): Promise<MpProfileView> {
    const profile = requireProfile(
      (await unary(this.users.getProfile({ userId: me.userId }))).profile,
    );
    return {
      id: profile.id,
      name: profile.name,
      intro: profile.intro,
      photo: this.photoUrl(profile.photo),
      email: profile.email,
      mobile: profile.mobile,
    };
  }

  /** 201 `{id, …fields sent}` with the values the service stored. */
  @Patch('profile')
  @HttpCode(201)
  async update(
    @CurrentUser() me: AuthUser,
    @Body() body: UpdateMpProfileDto,
  ): Promise<MpProfileChanges> {
    const { profile: updated } = await unary(
      this.users.updateProfile({
        userId: me.userId,
        name: body.name,
        intro: body.intro,
        email: body.email,
      }),
    );
    const profile = requireProfile(updated);
    const view: MpProfileChanges = { id: me.userId };
    if (body.name !== undefined) view.name = profile.name;
    if (body.intro !== undefined) view.intro = profile.intro;
    if (body.email !== undefined) view.email = profile.email;
    return view;
  }

  /** Multipart `photo`. */
  @Patch('photo')
  @HttpCode(201)
  async updatePhoto(
    @CurrentUser() me: AuthUser,
    @Req() request: FastifyRequest,
  ): Promise<{ id: string; photo: string }> {
    const image = await this.uploads.checkField(request, 'photo');
    // The user service checks the save first, so a save it refuses stores no image.
    const save = { userId: me.userId, photo: image.key };
    await unary(this.users.updateProfile({ ...save, dryRun: true }));
    const stored = await this.uploads.store(image, 'Uploading profile photo image failed.');
    await unary(this.users.updateProfile(save));
    return { id: me.userId, photo: stored.url };
  }

  private photoUrl(key: string): string {
    return photoUrl(this.config.STORAGE_PUBLIC_URL, key);
  }
}
