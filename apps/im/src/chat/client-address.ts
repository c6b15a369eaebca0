import type { IncomingHttpHeaders } from 'node:http';

import { limitKeyOfAddress } from '@app/grpc';

/**
 * The caller's address of a socket, as the HTTP apps resolve it (Fastify's `trustProxy` hop
 * count, TRUSTED_PROXY_HOPS): only the last `hops` entries of X-Forwarded-For were appended by
 * our proxies, so the entry just before them is the caller; whatever the client wrote before
 * that is ignored. With no proxy, or fewer entries than hops, it is the socket's own address.
 */
export function clientAddress(
  socketAddress: string,
  forwardedFor: string | string[] | undefined,
  hops: number,
): string {
  if (hops === 0 || forwardedFor === undefined) return socketAddress;
  const entries = [forwardedFor]
    .flat()
    .flatMap((header) => header.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  // Nearest first: the socket's peer, then the entries from the last appended.
  const chain = [socketAddress, ...entries.reverse()];
  return chain[Math.min(hops, chain.length - 1)];
}

/**
 * The caller of a socket as im's per-address limits count it: its address (`clientAddress`), an
 * IPv6 one by its /64 and an IPv4-mapped one as its IPv4 address (`limitKeyOfAddress`).
 */
export function callerKey(
  handshake: { address: string; headers: IncomingHttpHeaders },
  hops: number,
): string {
  return limitKeyOfAddress(
    clientAddress(handshake.address, handshake.headers['x-forwarded-for'], hops),
  );
}
