import type { FastifyRequest } from 'fastify';

/** The caller's address as Fastify resolved it (X-Forwarded-For is trusted behind the Ingress). */
export function clientIp(request: FastifyRequest): string {
  return request.ip;
}
