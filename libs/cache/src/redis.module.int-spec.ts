import { type RedisServer, startRedisServer } from '@app/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type Redis from 'ioredis';

import { REDIS_CACHE, REDIS_STATE } from './redis-roles';
import { RedisModule } from './redis.module';

/** The cache and state clients as an app builds them, on a Redis of their own that hangs (SIGSTOP). */
describe('RedisModule clients while their Redis hangs', () => {
  let server: RedisServer;
  let app: INestApplicationContext;

  beforeAll(async () => {
    server = await startRedisServer({ appendOnly: false });
    app = await NestFactory.createApplicationContext(
      RedisModule.forRoot({
        cacheUrl: `${server.url}/0`,
        stateUrl: `${server.url}/1`,
        keyPrefix: 'hang:',
        commandTimeoutMs: 300,
      }),
      { logger: false },
    );
    app.enableShutdownHooks();
  });

  afterAll(async () => {
    server?.thaw();
    await app?.close();
    await server?.remove();
  });

  it('fail a command unanswered after the configured REDIS_COMMAND_TIMEOUT_MS, and answer again once Redis does', async () => {
    const clients = [app.get<Redis>(REDIS_CACHE), app.get<Redis>(REDIS_STATE)];
    await Promise.all(clients.map((client) => client.set('key', 'before')));
    expect(clients.map((client) => client.options.commandTimeout)).toEqual([300, 300]);

    server.freeze();
    let answers: PromiseSettledResult<string | null>[];
    try {
      answers = await Promise.allSettled(clients.map((client) => client.get('key')));
    } finally {
      server.thaw();
    }
    expect(
      answers.map((answer) =>
        answer.status === 'rejected' ? (answer.reason as Error).message : answer.value,
      ),
    ).toEqual(['Command timed out', 'Command timed out']);
    expect(await Promise.all(clients.map((client) => client.get('key')))).toEqual([
      'before',
      'before',
    ]);
  });
});
