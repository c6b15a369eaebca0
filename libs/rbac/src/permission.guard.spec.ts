import { AppError } from '@app/grpc';
import { Controller, Get, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { Public, RequirePermission } from './decorators';
import { type AdministratorPrincipal, PermissionGuard } from './permission.guard';
import { ALL_PERMISSIONS, Permission } from './permissions';

@Controller()
class ArticlesController {
  @Get() @RequirePermission(Permission.ArticleList) list(): void {}
  @Get() @Public() health(): void {}
  @Get() forgotten(): void {}
}

function contextFor(
  handler: keyof ArticlesController,
  administrator?: AdministratorPrincipal,
): ExecutionContext {
  return {
    getHandler: () => ArticlesController.prototype[handler],
    getClass: () => ArticlesController,
    switchToHttp: () => ({ getRequest: () => ({ administrator }) }),
  } as unknown as ExecutionContext;
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as AppError).message;
  }
  return 'allowed';
}

describe('PermissionGuard', () => {
  const guard = new PermissionGuard(new Reflector());
  const admin = (codes: string[], groupActive = true): AdministratorPrincipal => ({
    administratorId: 1,
    groupActive,
    permissions: new Set(codes) as AdministratorPrincipal['permissions'],
  });

  it('lets a granted permission through', () => {
    expect(guard.canActivate(contextFor('list', admin([Permission.ArticleList])))).toBe(true);
  });

  it('refuses with the reference messages', () => {
    expect(refusal(() => guard.canActivate(contextFor('list')))).toBe(
      'Administrator must be authorized.',
    );
    expect(
      refusal(() => guard.canActivate(contextFor('list', admin([Permission.ArticleList], false)))),
    ).toBe('Group status disable.');
    expect(
      refusal(() => guard.canActivate(contextFor('list', admin([Permission.ArticleGet])))),
    ).toBe('Permission denied.');
  });

  it('denies a route without any decorator even to an administrator holding every permission', () => {
    expect(
      refusal(() => guard.canActivate(contextFor('forgotten', admin([...ALL_PERMISSIONS])))),
    ).toBe('Permission denied.');
  });

  it('opens public routes to anyone', () => {
    expect(guard.canActivate(contextFor('health'))).toBe(true);
  });

  it('has unique permission codes', () => {
    expect(new Set(ALL_PERMISSIONS).size).toBe(ALL_PERMISSIONS.length);
  });
});
