import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '@app/grpc';

import { PUBLIC_ROUTE, REQUIRED_PERMISSION } from './decorators';
import type { PermissionCode } from './permissions';

/** The administrator a request acts for, resolved by the app's authentication step. */
export interface AdministratorPrincipal {
  administratorId: number;
  groupActive: boolean;
  permissions: ReadonlySet<PermissionCode>;
}

export interface RequestWithAdministrator {
  administrator?: AdministratorPrincipal;
}

/** The reference's MIS refusals. */
export const RbacErrors = {
  unauthenticated: () => AppError.unauthenticated('Administrator must be authorized.'),
  groupDisabled: () => AppError.forbidden('Group status disable.'),
  denied: () => AppError.forbidden('Permission denied.'),
} as const;

/**
 * Deny by default: a route passes only when it is `@Public()` or names a permission that the
 * administrator's active group grants. A route that forgot its decorator is refused, not opened.
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const required = this.reflector.getAllAndOverride<PermissionCode | undefined>(
      REQUIRED_PERMISSION,
      targets,
    );
    const administrator = context
      .switchToHttp()
      .getRequest<RequestWithAdministrator>().administrator;
    if (!administrator) throw RbacErrors.unauthenticated();
    if (!administrator.groupActive) throw RbacErrors.groupDisabled();
    if (!required || !administrator.permissions.has(required)) throw RbacErrors.denied();
    return true;
  }
}
