import { SetMetadata } from '@nestjs/common';

import type { PermissionCode } from './permissions';

export const REQUIRED_PERMISSION = 'rbac:required-permission';
export const PUBLIC_ROUTE = 'rbac:public';

/** The permission a route needs; routes without this or `@Public()` are refused. */
export const RequirePermission = (code: PermissionCode): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_PERMISSION, code);

/** Marks a route that needs no permission (sign-in, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
