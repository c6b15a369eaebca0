import Redis, { type RedisOptions } from 'ioredis';

import { queueConnectionOptions } from './redis-roles';

/**
 * The connection an ioredis client takes, without connecting: from the URL itself (the cache and
 * state roles), or from the queue role's options, which BullMQ hands to ioredis the same way.
 */
function ioredisReading(source: string | RedisOptions) {
  const client =
    typeof source === 'string'
      ? new Redis(source, { lazyConnect: true })
      : new Redis({ ...source, lazyConnect: true });
  const { host, port, db, username, password, tls, family } = client.options;
  client.disconnect();
  return {
    host,
    port,
    db,
    username: username || undefined,
    password: password || undefined,
    tls: tls === undefined ? undefined : {},
    family,
  };
}

describe('queueConnectionOptions', () => {
  it.each([
    ['a plain URL with a database', 'redis://127.0.0.1:6379/2'],
    ['a TLS URL (rediss)', 'rediss://queue.example:6380/2'],
    ['an IPv6 host', 'redis://[::1]:6379/3'],
    [
      'credentials with escaped characters',
      'redis://queue%40app:p%40ss%3Aword@queue.example:6379/1',
    ],
    [
      'an address family in the query (a host with IPv6 addresses only)',
      'redis://queue.internal:6379/2?family=6',
    ],
    [
      'a database and credentials in the query',
      'redis://queue.example:6379?db=3&username=app&password=secret',
    ],
    ['a database in both the path and the query (the path wins)', 'rediss://queue.example/4?db=3'],
  ])('reads %s as the other Redis roles do', (_case, url) => {
    expect(ioredisReading(queueConnectionOptions(url))).toEqual(ioredisReading(url));
  });

  it('has BullMQ wait through a Redis restart', () => {
    expect(queueConnectionOptions('redis://127.0.0.1:6379/2').maxRetriesPerRequest).toBeNull();
  });
});
