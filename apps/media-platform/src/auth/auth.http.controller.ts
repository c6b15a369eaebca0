import { parseAuthorization, TokenErrors } from '@app/auth';
import { APP_CONFIG, photoUrl } from '@app/config';
import { authV1 } from '@app/contracts';
import { AppError, AUTH_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Req,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import type { MediaPlatformConfig } from '../config/media-platform.config';
import { LoginDto } from './dto/login.dto';

const MOBILE = /^1[3-9]\d{9}$/;
/** Author sign-in. The GeeTest captcha step of the original is replaced by the SMS rate limits. */
@Controller('v1_0')
export class MpAuthHttpController {
  constructor(
    @InjectGrpcClient(AUTH_GRPC) private readonly auth: authV1.AuthServiceClient,
    @Inject(APP_CONFIG) private readonly config: MediaPlatformConfig,
  ) {}

  /** Kept so the publish admin's captcha call succeeds; the limits on SMS codes do the protecting. */
  @Get('captchas/:mobile')
  captcha(@Param('mobile') mobile: string): {
    success: 1;
    gt: string;
    challenge: string;
    new_captcha: boolean;
  } {
    if (!MOBILE.test(mobile)) throw AppError.notFound('Invalid mobile.');
    return { success: 1, gt: '', challenge: '', new_captcha: true };
  }

  @Get('sms/codes/:mobile')
  async sendCode(
    @Param('mobile') mobile: string,
    @Req() request: FastifyRequest,
  ): Promise<{ mobile: string }> {
    if (!MOBILE.test(mobile)) throw AppError.notFound('Invalid mobile.');
    return unary(
      this.auth.sendSmsCode({
        mobile,
        clientIp: request.ip,
        scope: authV1.AuthScope.AUTH_SCOPE_MP,
      }),
    );
  }

  /** 201 `{token, refresh_token, id, name, photo}`; only media users get in. */
  @Post('authorizations')
  async login(
    @Body() body: LoginDto,
  ): Promise<{ token: string; refresh_token: string; id: string; name: string; photo: string }> {
    const issued = await unary(this.auth.login({ ...body, scope: authV1.AuthScope.AUTH_SCOPE_MP }));
    return {
      token: issued.token,
      refresh_token: issued.refreshToken,
      id: issued.userId,
      name: issued.name,
      photo: photoUrl(this.config.STORAGE_PUBLIC_URL, issued.photo),
    };
  }

  @Put('authorizations')
  @HttpCode(201)
  async refresh(
    @Headers('authorization') authorization: string | undefined,
  ): Promise<{ token: string; refresh_token?: string }> {
    const credentials = parseAuthorization(authorization);
    // As the reference: no Bearer token is a wrong refresh token (403), not a missing login (401).
    if (credentials.kind !== 'bearer') throw TokenErrors.wrongRefreshToken();
    const refreshed = await unary(
      this.auth.refreshToken({
        refreshToken: credentials.token,
        scope: authV1.AuthScope.AUTH_SCOPE_MP,
      }),
    );
    return refreshed.refreshToken
      ? { token: refreshed.token, refresh_token: refreshed.refreshToken }
      : { token: refreshed.token };
  }
}
