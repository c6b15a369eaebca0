import { authV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';

import { scopeOf } from './auth-scope';
import { AuthService } from './auth.service';

@Controller()
@authV1.AuthServiceControllerMethods()
export class AuthGrpcController implements authV1.AuthServiceController {
  constructor(private readonly auth: AuthService) {}

  async sendSmsCode(request: authV1.SendSmsCodeRequest): Promise<authV1.SendSmsCodeResponse> {
    await this.auth.sendSmsCode(scopeOf(request.scope), request.mobile, request.clientIp);
    return { mobile: request.mobile };
  }

  async login(request: authV1.LoginRequest): Promise<authV1.LoginResponse> {
    const issued = await this.auth.login(scopeOf(request.scope), request.mobile, request.code);
    return {
      token: issued.token,
      refreshToken: issued.refreshToken,
      userId: issued.account.id,
      name: issued.account.name,
      photo: issued.account.photo ?? '',
    };
  }

  refreshToken(request: authV1.RefreshTokenRequest): Promise<authV1.RefreshTokenResponse> {
    return this.auth.refresh(scopeOf(request.scope), request.refreshToken);
  }

  async logout(request: authV1.LogoutRequest): Promise<authV1.LogoutResponse> {
    await this.auth.logout(request.sessionId, request.userId);
    return {};
  }

  async revokeUserSessions(
    request: authV1.RevokeUserSessionsRequest,
  ): Promise<authV1.RevokeUserSessionsResponse> {
    return { revoked: await this.auth.revokeUserSessions(request.userId, request.deny) };
  }
}
