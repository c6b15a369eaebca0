import {
  Auth,
  type AuthUser,
  CurrentUser,
  JwtKeySet,
  parseAuthorization,
  SessionStatusCache,
  TokenErrors,
} from '@app/auth';
import { authV1 } from '@app/contracts';
import { AppError, AUTH_GRPC, InjectGrpcClient, RawResponse, unary } from '@app/grpc';
import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Req,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { clientIp } from './client-ip';
import { LoginDto } from './dto/login.dto';

const MOBILE = /^1[3-9]\d{9}$/;

@Controller('v1_0')
export class AuthHttpController {
  constructor(
    @InjectGrpcClient(AUTH_GRPC) private readonly auth: authV1.AuthServiceClient,
    private readonly keys: JwtKeySet,
    private readonly statuses: SessionStatusCache,
  ) {}

  /** Sends a sign-in code. The reference answers 404 for a malformed mobile (the route does not match). */
  @Get('sms/codes/:mobile')
  async sendCode(
    @Param('mobile') mobile: string,
    @Req() request: FastifyRequest,
  ): Promise<{ mobile: string }> {
    if (!MOBILE.test(mobile)) throw AppError.notFound('Invalid mobile.');
    return unary(
      this.auth.sendSmsCode({
        mobile,
        clientIp: clientIp(request),
        scope: authV1.AuthScope.AUTH_SCOPE_APP,
      }),
    );
  }

  /** Sign in (an unknown mobile is registered): 201 `{token, refresh_token}`. */
  @Post('authorizations')
  async login(@Body() body: LoginDto): Promise<{ token: string; refresh_token: string }> {
    const issued = await unary(
      this.auth.login({ ...body, scope: authV1.AuthScope.AUTH_SCOPE_APP }),
    );
    return { token: issued.token, refresh_token: issued.refreshToken };
  }

  /**
   * Refresh with the refresh token as Bearer: 201 `{token}` (plus `refresh_token` when rotation is
   * on); 403 `Wrong refresh token.` for anything else, a missing header included.
   */
  @Put('authorizations')
  @HttpCode(201)
  async refresh(
    @Headers('authorization') authorization: string | undefined,
  ): Promise<{ token: string; refresh_token?: string }> {
    const credentials = parseAuthorization(authorization);
    if (credentials.kind !== 'bearer') throw TokenErrors.wrongRefreshToken();
    const refreshed = await unary(
      this.auth.refreshToken({
        refreshToken: credentials.token,
        scope: authV1.AuthScope.AUTH_SCOPE_APP,
      }),
    );
    return refreshed.refreshToken
      ? { token: refreshed.token, refresh_token: refreshed.refreshToken }
      : { token: refreshed.token };
  }

  /**
   * Sign out: the session ends for every replica; this one, which has just read it as live,
   * refuses its tokens at once, the others within SESSION_STATUS_CACHE_MS.
   */
  @Delete('authorizations')
  @Auth()
  @HttpCode(204)
  async logout(@CurrentUser() user: AuthUser): Promise<void> {
    await unary(this.auth.logout({ sessionId: user.sid, userId: user.userId }));
    this.statuses.ended(user.sid);
  }

  /**
   * The public keys that verify our tokens. They change only when the apps restart with new key
   * files, so a consumer may keep them 5 minutes (and fetches again for a kid it does not know).
   */
  @Get('.well-known/jwks.json')
  @RawResponse()
  @Header('cache-control', 'public, max-age=300')
  jwks(): ReturnType<JwtKeySet['toJwks']> {
    return this.keys.toJwks();
  }
}
