import type { FastifyRequest } from 'fastify';

/** The caller's address as Fastify resolved it (the Ingress's entry of X-Forwarded-For). */
export function clientIp(request: FastifyRequest): string {
  return request.ip;
}
