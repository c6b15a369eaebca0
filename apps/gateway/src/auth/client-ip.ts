import type { FastifyRequest } from 'fastify';

/** The caller's address as Fastify resolved it (see TRUSTED_PROXY_HOPS). */
export function clientIp(request: FastifyRequest): string {
  return request.ip;
}
