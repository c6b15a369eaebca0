import { JwtKeySet } from '@app/auth';
import { createRedisClient, queueConnectionOptions } from '@app/cache';
import { loadConfig } from '@app/config';
import { JOB_QUEUE, JobName, queuePrefix } from '@app/queue';
import {
  createTestDatabase,
  createTestKeys,
  createTestRedis,
  freePort,
  nextEvent,
  testEnv,
  type TestDatabase,
  type TestRedis,
  withTestConnection,
} from '@app/testing';
import type { INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import type { Socket } from 'socket.io-client';

import { gatewayEnvSchema } from '../../apps/gateway/src/config/gateway.config';
import { createGateway } from '../../apps/gateway/src/main';
import { NEWS_SCHEMA } from '../../apps/news/src/database/news-schema';
import { AccountsRepository } from '../../apps/user/src/auth/accounts.repository';
import { AuthService } from '../../apps/user/src/auth/auth.service';
import { userEnvSchema } from '../../apps/user/src/config/user.config';
import { USER_SCHEMA } from '../../apps/user/src/database/user-schema';
import { startUserService } from '../../apps/user/src/main';

import { writeDuringRead } from './support/held-read';
import { connectIm, startIm } from './support/im-app';

interface Reply {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json<T = { message: unknown; data?: Record<string, unknown> }>(): T;
}

describe('sign-in, sessions and tokens through the gateway', () => {
  const keys = createTestKeys();
  let database: TestDatabase;
  let redis: TestRedis;
  let state: Redis;
  let queue: Queue;
  let userService: INestMicroservice;
  let strictUserService: INestMicroservice;
  let gateway: NestFastifyApplication;
  let secondGateway: NestFastifyApplication;
  let strictGateway: NestFastifyApplication;
  /** Published directly, as under docker-compose: no proxy in front. */
  let directGateway: NestFastifyApplication;
  let mobileCounter = 0;

  const nextMobile = () => `1370000${String((mobileCounter += 1)).padStart(4, '0')}`;

  const call = async (
    app: NestFastifyApplication,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    options: { token?: string; body?: object; ip?: string } = {},
  ): Promise<Reply> =>
    app.inject({
      method,
      url,
      payload: options.body,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        'x-forwarded-for': options.ip ?? '203.0.113.7',
      },
    });

  const storedCode = async (mobile: string): Promise<string> => {
    const code = await state.hget(`app:code:${mobile}`, 'code');
    if (!code) throw new Error(`no code stored for ${mobile}`);
    return code;
  };

  const signIn = async (app = gateway, mobile = nextMobile()) => {
    const codeRequest = await call(app, 'GET', `/app/v1_0/sms/codes/${mobile}`, {
      ip: `198.51.100.${mobileCounter % 250}`,
    });
    if (codeRequest.statusCode === 429) {
      // Signing the same mobile in again within a minute: store a code the way the service does.
      await state
        .multi()
        .del(`app:code:${mobile}`)
        .hset(`app:code:${mobile}`, { code: '654321', attempts: 0 })
        .exec();
    } else {
      expect(codeRequest.statusCode).toBe(200);
    }
    const login = await call(app, 'POST', '/app/v1_0/authorizations', {
      body: { mobile, code: await storedCode(mobile) },
    });
    expect(login.statusCode).toBe(201);
    const data = login.json<{ data: { token: string; refresh_token: string } }>().data;
    return { mobile, token: data.token, refresh: data.refresh_token };
  };

  beforeAll(async () => {
    database = await createTestDatabase([USER_SCHEMA, NEWS_SCHEMA]);
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    const [userPort, strictPort] = [await freePort(), await freePort()];
    const env = testEnv(database.settings, redis, {
      USER_GRPC_PORT: userPort,
      USER_GRPC_URL: `127.0.0.1:${userPort}`,
      NEWS_GRPC_URL: '127.0.0.1:1',
      JWT_KEYS_DIR: keys.dir,
      JWT_SIGNING_KID: keys.kid,
    });
    const strictEnv = {
      ...env,
      USER_GRPC_PORT: String(strictPort),
      USER_GRPC_URL: `127.0.0.1:${strictPort}`,
      AUTH_REFRESH_POLICY: 'strict',
    };
    userService = await startUserService(loadConfig(userEnvSchema, env));
    strictUserService = await startUserService(loadConfig(userEnvSchema, strictEnv));
    gateway = await createGateway(loadConfig(gatewayEnvSchema, env));
    secondGateway = await createGateway(loadConfig(gatewayEnvSchema, env));
    strictGateway = await createGateway(loadConfig(gatewayEnvSchema, strictEnv));
    directGateway = await createGateway(
      loadConfig(gatewayEnvSchema, { ...env, TRUSTED_PROXY_HOPS: '0' }),
    );
    for (const app of [gateway, secondGateway, strictGateway, directGateway]) {
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
    }
    queue = new Queue(JOB_QUEUE[JobName.SendSmsCode], {
      connection: queueConnectionOptions(redis.queueUrl),
      prefix: queuePrefix(redis.prefix),
    });
  });

  afterAll(async () => {
    for (const app of [gateway, secondGateway, strictGateway, directGateway]) await app?.close();
    await userService?.close();
    await strictUserService?.close();
    await queue?.close();
    await state?.quit();
    await redis?.cleanup();
    await database?.drop();
    keys.remove();
  });

  describe('GET /sms/codes/:mobile', () => {
    it('answers {mobile}, stores a 6-digit code and queues one SMS job with a deterministic id', async () => {
      const mobile = nextMobile();
      const reply = await call(gateway, 'GET', `/app/v1_0/sms/codes/${mobile}`, {
        ip: '192.0.2.1',
      });
      expect(reply.statusCode).toBe(200);
      expect(reply.json()).toEqual({ message: 'OK', data: { mobile } });
      expect(await storedCode(mobile)).toMatch(/^\d{6}$/);
      const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
      const mine = jobs.filter((job) => (job.data as { mobile: string }).mobile === mobile);
      expect(mine).toHaveLength(1);
      expect(mine[0].id).toMatch(new RegExp(`^${JobName.SendSmsCode}.*${mobile}`));
      expect(mine[0].opts.attempts).toBe(3);
    });

    it('answers 404 for a malformed mobile and sends nothing', async () => {
      for (const bad of ['12345', '12800000000', '1380000000a']) {
        expect((await call(gateway, 'GET', `/app/v1_0/sms/codes/${bad}`)).statusCode).toBe(404);
      }
      expect(await state.exists('app:code:12800000000')).toBe(0);
    });

    it('answers 429 Too many requests. for a second code within a minute', async () => {
      const mobile = nextMobile();
      expect(
        (await call(gateway, 'GET', `/app/v1_0/sms/codes/${mobile}`, { ip: '192.0.2.2' }))
          .statusCode,
      ).toBe(200);
      const first = await storedCode(mobile);
      const again = await call(gateway, 'GET', `/app/v1_0/sms/codes/${mobile}`, {
        ip: '192.0.2.3',
      });
      expect(again.statusCode).toBe(429);
      expect(again.json()).toEqual({ message: 'Too many requests.' });
      expect(await storedCode(mobile)).toBe(first);
    });

    it('answers 429 past 100 requests per hour from one IP', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 102; i += 1) {
        statuses.push(
          (
            await call(gateway, 'GET', `/app/v1_0/sms/codes/1360000${String(i).padStart(4, '0')}`, {
              ip: '192.0.2.200',
            })
          ).statusCode,
        );
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(100);
      expect(statuses.slice(100)).toEqual([429, 429]);
    });

    it('counts the address the Ingress appended to X-Forwarded-For, not the ones the client sent before it', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 102; i += 1) {
        const forwardedFor = `10.0.${i}.1, 192.0.2.201`;
        statuses.push(
          (
            await call(gateway, 'GET', `/app/v1_0/sms/codes/1350000${String(i).padStart(4, '0')}`, {
              ip: forwardedFor,
            })
          ).statusCode,
        );
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(100);
      expect(statuses.slice(100)).toEqual([429, 429]);
    });

    it('with TRUSTED_PROXY_HOPS=0 counts the socket address, whatever X-Forwarded-For the client makes up', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 102; i += 1) {
        const forwardedFor = `10.1.${i}.1, 192.0.2.${i}`;
        statuses.push(
          (
            await call(
              directGateway,
              'GET',
              `/app/v1_0/sms/codes/1340000${String(i).padStart(4, '0')}`,
              { ip: forwardedFor },
            )
          ).statusCode,
        );
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(100);
      expect(statuses.slice(100)).toEqual([429, 429]);
    });

    it('counts an IPv6 caller by its /64: other addresses of that /64, in any form, share its 100 per hour', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 102; i += 1) {
        const address =
          i % 2 === 0
            ? `2001:db8:7:1::${(i + 1).toString(16)}`
            : `2001:0DB8:0007:0001:${i.toString(16)}:0:0:1`;
        statuses.push(
          (
            await call(gateway, 'GET', `/app/v1_0/sms/codes/1330000${String(i).padStart(4, '0')}`, {
              ip: address,
            })
          ).statusCode,
        );
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(100);
      expect(statuses.slice(100)).toEqual([429, 429]);
      expect(
        (await call(gateway, 'GET', '/app/v1_0/sms/codes/13300000200', { ip: '2001:db8:7:2::1' }))
          .statusCode,
      ).toBe(200);
    });

    it('counts an IPv4-mapped IPv6 caller as its IPv4 address', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 102; i += 1) {
        const address = i % 2 === 0 ? '192.0.2.202' : '::ffff:192.0.2.202';
        statuses.push(
          (
            await call(gateway, 'GET', `/app/v1_0/sms/codes/1320000${String(i).padStart(4, '0')}`, {
              ip: address,
            })
          ).statusCode,
        );
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(100);
      expect(statuses.slice(100)).toEqual([429, 429]);
    });
  });

  describe('POST /authorizations', () => {
    it('registers an unknown mobile on first login and signs in the same user afterwards', async () => {
      const first = await signIn();
      const second = await signIn(gateway, first.mobile);
      const claims = (token: string) =>
        JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as {
          user_id: string;
          refresh: boolean;
        };
      expect(claims(first.token).user_id).toBe(claims(second.token).user_id);
      expect(claims(first.token).refresh).toBe(false);
      expect(claims(first.refresh).refresh).toBe(true);
      const rows = await withTestConnection(database.settings, (query) =>
        query('SELECT user_id, user_name FROM user_basic WHERE mobile = ?', [first.mobile]),
      );
      expect(rows).toEqual([{ user_id: claims(first.token).user_id, user_name: first.mobile }]);
    });

    it('refuses a wrong code with 400 Invalid code. and burns the code after five', async () => {
      const mobile = nextMobile();
      await call(gateway, 'GET', `/app/v1_0/sms/codes/${mobile}`, { ip: '192.0.2.9' });
      const code = await storedCode(mobile);
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i += 1) {
        const reply = await call(gateway, 'POST', '/app/v1_0/authorizations', {
          body: { mobile, code: wrong },
        });
        expect(reply.statusCode).toBe(400);
        expect(reply.json()).toEqual({ message: 'Invalid code.' });
      }
      expect(
        (await call(gateway, 'POST', '/app/v1_0/authorizations', { body: { mobile, code } }))
          .statusCode,
      ).toBe(400);
    });

    it('validates the body field by field and ignores unknown fields', async () => {
      const bad = await call(gateway, 'POST', '/app/v1_0/authorizations', {
        body: { mobile: '123', code: 'abc' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toEqual({ message: { mobile: 'Invalid mobile.', code: 'Invalid code.' } });
      const mobile = nextMobile();
      await call(gateway, 'GET', `/app/v1_0/sms/codes/${mobile}`, { ip: '192.0.2.10' });
      const ok = await call(gateway, 'POST', '/app/v1_0/authorizations', {
        body: { mobile, code: await storedCode(mobile), agree: true, is_media: 1, status: 0 },
      });
      expect(ok.statusCode).toBe(201);
      const rows = await withTestConnection(database.settings, (query) =>
        query('SELECT is_media, status FROM user_basic WHERE mobile = ?', [mobile]),
      );
      expect(rows).toEqual([{ is_media: 0, status: 1 }]);
    });

    it('refuses a disabled user with 403 Invalid user.', async () => {
      const user = await signIn();
      await withTestConnection(database.settings, (query) =>
        query('UPDATE user_basic SET status = 0 WHERE mobile = ?', [user.mobile]),
      );
      await call(gateway, 'GET', `/app/v1_0/sms/codes/${user.mobile}`, { ip: '192.0.2.11' }).catch(
        () => undefined,
      );
      // The per-minute limit may refuse a new code; issue one directly the way the service stores it.
      await state
        .multi()
        .del(`app:code:${user.mobile}`)
        .hset(`app:code:${user.mobile}`, { code: '123456', attempts: 0 })
        .exec();
      const reply = await call(gateway, 'POST', '/app/v1_0/authorizations', {
        body: { mobile: user.mobile, code: '123456' },
      });
      expect(reply.statusCode).toBe(403);
      expect(reply.json()).toEqual({ message: 'Invalid user.' });
    });

    it('refuses a sign-in that a freeze overtook, leaving no session that signs the frozen user in', async () => {
      const user = await signIn();
      const userId = (
        JSON.parse(Buffer.from(user.token.split('.')[1], 'base64url').toString()) as {
          user_id: string;
        }
      ).user_id;
      await state
        .multi()
        .del(`app:code:${user.mobile}`)
        .hset(`app:code:${user.mobile}`, { code: '246802', attempts: 0 })
        .exec();
      // The sign-in has read the account as enabled when the user is frozen: status 0, then every session denied.
      const raced = await writeDuringRead(
        userService.get(AccountsRepository),
        'findByMobile',
        () =>
          call(gateway, 'POST', '/app/v1_0/authorizations', {
            body: { mobile: user.mobile, code: '246802' },
          }),
        async () => {
          await withTestConnection(database.settings, (query) =>
            query('UPDATE user_basic SET status = 0 WHERE mobile = ?', [user.mobile]),
          );
          await userService.get(AuthService).revokeUserSessions(userId, true);
        },
      );
      expect([raced.statusCode, raced.json()]).toEqual([403, { message: 'Invalid user.' }]);
      const sids = await state.smembers(`user:${userId}:sessions`);
      const statuses = await Promise.all(sids.map((sid) => state.hget(`session:${sid}`, 'status')));
      expect(statuses.filter((status) => status !== 'denied')).toEqual([]);
    });

    it('keeps the code of a sign-in whose MySQL connection was killed under it, so that sending it again signs in', async () => {
      const user = await signIn();
      await state
        .multi()
        .del(`app:code:${user.mobile}`)
        .hset(`app:code:${user.mobile}`, { code: '135790', attempts: 0 })
        .exec();
      const login = () =>
        call(gateway, 'POST', '/app/v1_0/authorizations', {
          body: { mobile: user.mobile, code: '135790' },
        });
      // The sign-in's last MySQL write (the user's last login) waits on this row lock, and its connection is killed there.
      const failed = await withTestConnection(database.settings, async (query) => {
        const waiting = async () =>
          (await query(
            "SELECT id FROM information_schema.processlist WHERE db = ? AND info LIKE 'UPDATE `user_basic`%'",
            [database.settings.MYSQL_DATABASE],
          )) as Array<{ id: number }>;
        await query('BEGIN');
        await query('SELECT user_id FROM user_basic WHERE mobile = ? FOR UPDATE', [user.mobile]);
        const answer = login();
        let blocked = await waiting();
        for (let tries = 0; blocked.length === 0 && tries < 200; tries += 1) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          blocked = await waiting();
        }
        expect(blocked).toHaveLength(1);
        await query(`KILL CONNECTION ${Number(blocked[0].id)}`);
        const answered = await answer;
        await query('ROLLBACK');
        return answered;
      });
      expect([failed.statusCode, failed.body]).toEqual([503, '{"message":"Service unavailable."}']);
      expect((await login()).statusCode).toBe(201);
      // Used up by the sign-in that took it.
      expect((await login()).statusCode).toBe(400);
    });

    it('keeps the code of a sign-in whose MySQL connection was killed on its read of the account after storing the session', async () => {
      const user = await signIn();
      await state
        .multi()
        .del(`app:code:${user.mobile}`)
        .hset(`app:code:${user.mobile}`, { code: '975310', attempts: 0 })
        .exec();
      const login = () =>
        call(gateway, 'POST', '/app/v1_0/authorizations', {
          body: { mobile: user.mobile, code: '975310' },
        });
      const accounts = userService.get(AccountsRepository);
      const findById = accounts.findById.bind(accounts);
      const failed = await withTestConnection(database.settings, async (query) => {
        // The read by id (the status once the session is stored) waits on this table lock, and its connection is killed there.
        const readById = jest.spyOn(accounts, 'findById').mockImplementationOnce(async (id) => {
          await query('LOCK TABLES user_basic WRITE');
          return findById(id);
        });
        const waiting = async () =>
          (await query(
            "SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID() AND info LIKE 'SELECT%user_basic%'",
            [database.settings.MYSQL_DATABASE],
          )) as Array<{ id: number }>;
        try {
          const answer = login();
          let blocked = await waiting();
          for (let tries = 0; blocked.length === 0 && tries < 200; tries += 1) {
            await new Promise((resolve) => setTimeout(resolve, 50));
            blocked = await waiting();
          }
          expect(blocked).toHaveLength(1);
          await query(`KILL CONNECTION ${Number(blocked[0].id)}`);
          return await answer;
        } finally {
          await query('UNLOCK TABLES');
          readById.mockRestore();
        }
      });
      expect([failed.statusCode, failed.body]).toEqual([503, '{"message":"Service unavailable."}']);
      expect((await login()).statusCode).toBe(201);
      expect((await login()).statusCode).toBe(400);
      // The first sign-in's session and the retry's: the one that failed was ended.
      const userId = (
        JSON.parse(Buffer.from(user.token.split('.')[1], 'base64url').toString()) as {
          user_id: string;
        }
      ).user_id;
      expect(await state.scard(`user:${userId}:sessions`)).toBe(2);
    });
  });

  describe('PUT and DELETE /authorizations', () => {
    it('refreshes with the refresh token, which stays valid for the session (reuse policy)', async () => {
      const user = await signIn();
      const tokens: string[] = [];
      for (let i = 0; i < 2; i += 1) {
        const reply = await call(gateway, 'PUT', '/app/v1_0/authorizations', {
          token: user.refresh,
        });
        expect(reply.statusCode).toBe(201);
        const data = reply.json<{ data: Record<string, string> }>().data;
        expect(Object.keys(data)).toEqual(['token']);
        tokens.push(data.token);
      }
      // The refreshed access token works (logout needs a live session); afterwards everything is dead.
      expect(
        (await call(gateway, 'DELETE', '/app/v1_0/authorizations', { token: tokens[1] }))
          .statusCode,
      ).toBe(204);
      expect(
        (await call(gateway, 'PUT', '/app/v1_0/authorizations', { token: user.refresh }))
          .statusCode,
      ).toBe(403);
    });

    it('refuses an access token on refresh and a refresh token as access token', async () => {
      const user = await signIn();
      const asRefresh = await call(gateway, 'PUT', '/app/v1_0/authorizations', {
        token: user.token,
      });
      expect(asRefresh.statusCode).toBe(403);
      expect(asRefresh.json()).toEqual({ message: 'Wrong refresh token.' });
      const asAccess = await call(gateway, 'DELETE', '/app/v1_0/authorizations', {
        token: user.refresh,
      });
      expect(asAccess.statusCode).toBe(403);
      expect(asAccess.json()).toEqual({ message: 'Do not use refresh token.' });
      const none = await call(gateway, 'DELETE', '/app/v1_0/authorizations');
      expect(none.statusCode).toBe(401);
      expect(none.json()).toEqual({ message: 'User must be authorized.' });
    });

    it('answers a refresh without a Bearer token 403 Wrong refresh token., as the reference', async () => {
      // The reference's refresh read no guard: a missing or unusable header left no user, and it
      // answered as for a wrong token.
      for (const authorization of [
        undefined,
        '',
        'Bearer',
        'Basic abc',
        'Anony device-1',
        'bearer x.y.z',
      ]) {
        const reply = await gateway.inject({
          method: 'PUT',
          url: '/app/v1_0/authorizations',
          headers: authorization === undefined ? {} : { authorization },
        });
        expect([authorization, reply.statusCode, reply.json()]).toEqual([
          authorization,
          403,
          { message: 'Wrong refresh token.' },
        ]);
      }
    });

    it('refuses a tampered token on logout with 401 User must be authorized., as a route that requires sign-in', async () => {
      const user = await signIn();
      const [header, payload, signature] = user.token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      const forged = Buffer.from(JSON.stringify({ ...claims, user_id: '1' })).toString('base64url');
      const reply = await call(gateway, 'DELETE', '/app/v1_0/authorizations', {
        token: `${header}.${forged}.${signature}`,
      });
      expect(reply.statusCode).toBe(401);
      expect(reply.json()).toEqual({ message: 'User must be authorized.' });
    });

    it('logout ends the session: its access token is refused on another gateway within 1 s and the refresh token dies', async () => {
      const user = await signIn();
      // Both replicas have seen the session as live.
      expect(
        (await call(secondGateway, 'PUT', '/app/v1_0/authorizations', { token: user.refresh }))
          .statusCode,
      ).toBe(201);
      const other = await signIn();
      expect(
        (await call(secondGateway, 'DELETE', '/app/v1_0/authorizations', { token: other.token }))
          .statusCode,
      ).toBe(204);

      expect(
        (await call(gateway, 'DELETE', '/app/v1_0/authorizations', { token: user.token }))
          .statusCode,
      ).toBe(204);
      const loggedOutAt = Date.now();
      let refused = false;
      while (!refused && Date.now() - loggedOutAt < 1000) {
        refused =
          (await call(secondGateway, 'DELETE', '/app/v1_0/authorizations', { token: user.token }))
            .statusCode === 401;
        if (!refused) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(refused).toBe(true);
      const refresh = await call(secondGateway, 'PUT', '/app/v1_0/authorizations', {
        token: user.refresh,
      });
      expect(refresh.statusCode).toBe(403);
      expect(refresh.json()).toEqual({ message: 'Wrong refresh token.' });
    });

    it('logout refuses the access token at once on the gateway that ended the session, which had just read it as live', async () => {
      const user = await signIn();
      expect(
        (await call(gateway, 'DELETE', '/app/v1_0/authorizations', { token: user.token }))
          .statusCode,
      ).toBe(204);
      const again = await call(gateway, 'DELETE', '/app/v1_0/authorizations', {
        token: user.token,
      });
      expect([again.statusCode, again.json()]).toEqual([
        401,
        { message: 'User must be authorized.' },
      ]);
    });

    it('a frozen user is refused with 403 User denied. on access and refresh', async () => {
      const user = await signIn();
      const userId = (
        JSON.parse(Buffer.from(user.token.split('.')[1], 'base64url').toString()) as {
          user_id: string;
        }
      ).user_id;
      const sids = await state.smembers(`user:${userId}:sessions`);
      expect(sids.length).toBeGreaterThan(0);
      for (const sid of sids) await state.hset(`session:${sid}`, 'status', 'denied');
      await new Promise((resolve) => setTimeout(resolve, 600));
      const access = await call(gateway, 'DELETE', '/app/v1_0/authorizations', {
        token: user.token,
      });
      expect(access.statusCode).toBe(403);
      expect(access.json()).toEqual({ message: 'User denied.' });
      const refresh = await call(gateway, 'PUT', '/app/v1_0/authorizations', {
        token: user.refresh,
      });
      expect(refresh.json()).toEqual({ message: 'User denied.' });
    });

    it('strict policy rotates the refresh token and revokes the session when an old one is reused', async () => {
      const user = await signIn(strictGateway);
      const first = await call(strictGateway, 'PUT', '/app/v1_0/authorizations', {
        token: user.refresh,
      });
      expect(first.statusCode).toBe(201);
      const rotated = first.json<{ data: { token: string; refresh_token: string } }>().data;
      expect(rotated.refresh_token).toBeTruthy();
      expect(rotated.refresh_token).not.toBe(user.refresh);
      const reused = await call(strictGateway, 'PUT', '/app/v1_0/authorizations', {
        token: user.refresh,
      });
      expect(reused.statusCode).toBe(403);
      expect(reused.json()).toEqual({ message: 'Wrong refresh token.' });
      // The reuse revoked the whole session: even the newest refresh token is dead now.
      expect(
        (
          await call(strictGateway, 'PUT', '/app/v1_0/authorizations', {
            token: rotated.refresh_token,
          })
        ).statusCode,
      ).toBe(403);
    });

    it("strict policy: the reuse that revokes the session closes the session's im sockets, as a logout does", async () => {
      const { app: im, port } = await startIm(redis, { keySet: JwtKeySet.fromDirectory(keys.dir) });
      const sockets: Socket[] = [];
      try {
        const user = await signIn(strictGateway);
        const socket = await connectIm(sockets, port, { token: user.token });
        const closed = nextEvent(socket, 'disconnect', 3000);
        expect(
          (await call(strictGateway, 'PUT', '/app/v1_0/authorizations', { token: user.refresh }))
            .statusCode,
        ).toBe(201);
        expect(
          (await call(strictGateway, 'PUT', '/app/v1_0/authorizations', { token: user.refresh }))
            .statusCode,
        ).toBe(403);
        expect(await closed).toBe('io server disconnect');
      } finally {
        for (const socket of sockets) socket.close();
        await im.close();
      }
    });
  });

  it('publishes the public keys as JWKS without the envelope', async () => {
    const reply = await call(gateway, 'GET', '/app/v1_0/.well-known/jwks.json');
    expect(reply.statusCode).toBe(200);
    const jwks = reply.json<{ keys: { kid: string; kty: string; alg: string; d?: string }[] }>();
    expect(jwks.keys).toEqual([
      expect.objectContaining({ kid: keys.kid, kty: 'RSA', alg: 'RS256' }),
    ]);
    expect(jwks.keys[0].d).toBeUndefined();
    // The keys change only when the apps restart with new key files (README: rotating the JWT keys).
    expect(reply.headers['cache-control']).toBe('public, max-age=300');
  });
});
