import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { HttpExceptionFilter } from './http-exception.filter';
import { useResponseEnvelope } from './response-envelope.hook';
import { useSecurityHeaders } from './security-headers';
import { createValidationPipe } from './validation.pipe';

/**
 * The shared HTTP edge: security headers on every answer, route prefix (health stays at the root
 * for probes), the reference envelope, validation and error mapping. Called before any other
 * request hook is added. The shutdown hooks, so SIGTERM drains, are enabled once the app listens
 * (`listenHttpApp`).
 */
export function configureHttpApp(
  app: NestFastifyApplication,
  prefix: string,
): NestFastifyApplication {
  useSecurityHeaders(app.getHttpAdapter().getInstance());
  app.setGlobalPrefix(prefix, { exclude: ['health/live', 'health/ready', 'metrics'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  useResponseEnvelope(app.getHttpAdapter().getInstance());
  return app;
}
