import { createHash } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';

/** Chooses the replica (an index into the ports) for a request. */
export type ReplicaChoice = (request: IncomingMessage) => number;

export interface ReplicaRouter {
  port: number;
  /** How many requests (upgrades included) went to each replica. */
  routed: number[];
  close(): Promise<void>;
}

/**
 * What the Ingress does with `upstream-hash-by: "$arg_token$arg_a"` (k8s/base/ingress.yaml): the
 * same connect query always reaches the same replica.
 */
export function byConnectQuery(replicas: number): ReplicaChoice {
  return (incoming) => {
    const query = new URL(incoming.url ?? '/', 'http://router').searchParams;
    const key = `${query.get('token') ?? ''}${query.get('a') ?? ''}`;
    return createHash('md5').update(key).digest().readUInt32BE(0) % replicas;
  };
}

/** What a load balancer without affinity does: each request to the next replica. */
export function roundRobin(replicas: number): ReplicaChoice {
  let next = 0;
  return () => next++ % replicas;
}

/** A reverse proxy on loopback in front of replicas on `ports`, WebSocket upgrades included. */
export async function startReplicaRouter(
  ports: readonly number[],
  choose: ReplicaChoice,
): Promise<ReplicaRouter> {
  const routed = ports.map(() => 0);
  const upgraded = new Set<Duplex>();
  const target = (incoming: IncomingMessage): number => {
    const index = choose(incoming);
    routed[index] += 1;
    return ports[index];
  };
  const server: Server = createServer((incoming, outgoing) => {
    const forwarded = request(
      {
        host: '127.0.0.1',
        port: target(incoming),
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  server.on('upgrade', (incoming: IncomingMessage, client: Duplex, head: Buffer) => {
    const upstream = connect(target(incoming), '127.0.0.1', () => {
      const headers = Object.entries(incoming.headers).flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value ?? '']).map((one) => `${name}: ${one}\r\n`),
      );
      upstream.write(
        `${incoming.method ?? 'GET'} ${incoming.url ?? '/'} HTTP/1.1\r\n${headers.join('')}\r\n`,
      );
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upgraded.add(client).add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the router has no port');
  return {
    port: address.port,
    routed,
    close: () =>
      new Promise((resolve) => {
        for (const socket of upgraded) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
