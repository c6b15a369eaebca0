import Redis from 'ioredis';

import { queueConnectionOptions } from './redis-roles';

/** What an ioredis client (the cache and state roles) takes from the same URL, without connecting. */
function ioredisReading(url: string) {
  const client = new Redis(url, { lazyConnect: true });
  const { host, port, db, username, password, tls } = client.options;
  client.disconnect();
  return { host, port, db, username: username || undefined, password: password || undefined, tls: tls === undefined ? undefined : {} };
}

describe('queueConnectionOptions', () => {
  it.each([
    ['a plain URL with a database', 'redis://127.0.0.1:6379/2'],
    ['a TLS URL (rediss)', 'rediss://queue.example:6380/2'],
    ['an IPv6 host', 'redis://[::1]:6379/3'],
    ['credentials with escaped characters', 'redis://queue%40app:p%40ss%3Aword@queue.example:6379/1'],
  ])('reads %s as the other Redis roles do', (_case, url) => {
    const { host, port, db, username, password, tls } = queueConnectionOptions(url);
    expect({ host, port, db, username, password, tls: tls === undefined ? undefined : {} }).toEqual(ioredisReading(url));
  });

  it('has BullMQ wait through a Redis restart', () => {
    expect(queueConnectionOptions('redis://127.0.0.1:6379/2').maxRetriesPerRequest).toBeNull();
  });
});
