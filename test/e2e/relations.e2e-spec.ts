import { setTimeout as sleep } from 'node:timers/promises';

import { SESSION_STATUS_CACHE_MS } from '@app/auth';

import { RelationsRepository } from '../../apps/user/src/relations/relations.repository';
import { type ArticleStack, IMG, startArticleStack } from './support/article-stack';
import { writeDuringRead } from './support/held-read';
import { type NotificationTap, tapNotifications, waitFor } from './support/notifications';

const ME = '1294287382374383616';
const STAR = '1294287382374383617';
const OTHER = '1294287382374383618';
const LONER = '1294287382374383619';
const NOBODY = '1294287382374383699';

type Method = 'GET' | 'POST' | 'DELETE';

interface FollowCard {
  id: string;
  name: string;
  photo: string;
  fans_count: number;
  mutual_follow: boolean;
}

interface FollowCardPage {
  total_count: number;
  page: number;
  per_page: number;
  results: FollowCard[];
}

interface RelationRow {
  user_id: string;
  target_user_id: string;
  relation: number;
}

describe('follows and blacklists through the gateway', () => {
  let stack: ArticleStack;
  let notifications: NotificationTap;
  const tokens = new Map<string, string>();

  const call = (method: Method, url: string, as?: string, payload?: object) =>
    stack.gateway.inject({
      method,
      url: `/app/v1_0${url}`,
      headers: as ? { authorization: `Bearer ${tokens.get(as)}` } : {},
      ...(payload ? { payload } : {}),
    });
  const count = async (key: 'followings' | 'followers', id: string) =>
    Number(
      (await stack.redis.client('state').zscore(`${stack.redis.prefix}count:user:${key}`, id)) ?? 0,
    );
  const relations = () =>
    stack.sql(
      'SELECT user_id, target_user_id, relation FROM user_relation ORDER BY user_id, target_user_id',
    ) as Promise<RelationRow[]>;
  const cacheKey = (key: string) => `${stack.redis.prefix}${key}`;
  const page = async (url: string, as = ME) => {
    const response = await call('GET', url, as);
    expect(response.statusCode).toBe(200);
    return response.json<{ message: string; data: FollowCardPage }>().data;
  };

  beforeAll(async () => {
    stack = await startArticleStack();
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, profile_photo, status, is_media) VALUES
       (?, '13900000001', 'me', 'me-photo', 1, 0),
       (?, '13900000002', 'star', NULL, 1, 1),
       (?, '13900000003', 'other', 'other-photo', 1, 0),
       (?, '13900000004', 'loner', NULL, 1, 0)`,
      [ME, STAR, OTHER, LONER],
    );
    for (const id of [ME, STAR, OTHER, LONER]) tokens.set(id, await stack.signIn(id));
    notifications = await tapNotifications(stack.redis);
  });

  afterAll(async () => {
    await notifications?.close();
    await stack?.close();
  });

  it('answers 401 on every relation route without a token', async () => {
    const routes: Array<[Method, string, object?]> = [
      ['POST', '/user/followings', { target: STAR }],
      ['GET', '/user/followings'],
      ['DELETE', `/user/followings/${STAR}`],
      ['GET', '/user/followers'],
      ['POST', '/user/blacklists', { target: STAR }],
      ['DELETE', `/user/blacklists/${STAR}`],
    ];
    for (const [method, url, payload] of routes) {
      const response = await call(method, url, undefined, payload);
      expect({ url, method, status: response.statusCode, body: response.json<unknown>() }).toEqual({
        url,
        method,
        status: 401,
        body: { message: 'User must be authorized.' },
      });
    }
    expect(await relations()).toEqual([]);
  });

  it('refuses self, unknown and malformed targets and stores nothing; an unknown target as the reference parser does, keyed by target', async () => {
    const selfFollow = await call('POST', '/user/followings', ME, { target: ME });
    expect(selfFollow.statusCode).toBe(400);
    expect(selfFollow.json()).toEqual({ message: 'User cannot follow self.' });

    const selfBlacklist = await call('POST', '/user/blacklists', ME, { target: ME });
    expect(selfBlacklist.statusCode).toBe(400);
    expect(selfBlacklist.json()).toEqual({ message: 'User cannot blacklist self.' });

    const unknown = await call('POST', '/user/followings', ME, { target: NOBODY });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toEqual({ message: { target: 'Invalid target user id.' } });

    const unknownBlacklist = await call('POST', '/user/blacklists', ME, { target: NOBODY });
    expect(unknownBlacklist.statusCode).toBe(400);
    expect(unknownBlacklist.json()).toEqual({ message: { target: 'Invalid target user id.' } });

    for (const payload of [{ target: 'abc' }, {}, { target: -5 }]) {
      const malformed = await call('POST', '/user/followings', ME, payload);
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json()).toEqual({ message: { target: 'Invalid target user id.' } });
    }

    expect(await relations()).toEqual([]);
    expect(await count('followings', ME)).toBe(0);
    expect(notifications.published).toEqual([]);
  });

  it('answers 404 to a DELETE whose path target is no positive integer, as the reference had no route for it', async () => {
    for (const path of ['/user/followings', '/user/blacklists']) {
      for (const target of ['abc', '0', '-5']) {
        const response = await call('DELETE', `${path}/${target}`, ME);
        expect({
          path,
          target,
          status: response.statusCode,
          body: response.json<unknown>(),
        }).toEqual({
          path,
          target,
          status: 404,
          body: { message: 'The user does not exist.' },
        });
      }
    }
  });

  it('follows once, ignores unknown body fields, counts both users and publishes following notify', async () => {
    const response = await call('POST', '/user/followings', ME, {
      target: STAR,
      user_id: 'x',
      relation: 2,
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ message: 'OK', data: { target: STAR } });
    expect(response.body).toContain(`"target":"${STAR}"`);

    expect(await relations()).toEqual([{ user_id: ME, target_user_id: STAR, relation: 1 }]);
    expect(await count('followings', ME)).toBe(1);
    expect(await count('followers', STAR)).toBe(1);

    await waitFor(() => notifications.published.length > 0);
    expect(notifications.published).toHaveLength(1);
    expect(notifications.published[0].channel).toBe(notifications.roomChannel(STAR));
    for (const part of [
      'following notify',
      'user_id',
      ME,
      'user_name',
      'me',
      'user_photo',
      `${IMG}me-photo`,
      'timestamp',
    ]) {
      expect(notifications.published[0].message.includes(part)).toBe(true);
    }
  });

  it('treats a repeated follow as an upsert: no second row, count or notification', async () => {
    const again = await call('POST', '/user/followings', ME, { target: STAR });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual({ message: 'OK', data: { target: STAR } });
    await sleep(300);
    expect(await relations()).toEqual([{ user_id: ME, target_user_id: STAR, relation: 1 }]);
    expect(await count('followings', ME)).toBe(1);
    expect(await count('followers', STAR)).toBe(1);
    expect(notifications.published).toHaveLength(1);
  });

  it('counts concurrent duplicate follows once', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => call('POST', '/user/followings', ME, { target: OTHER })),
    );
    expect(responses.map((response) => response.statusCode)).toEqual([
      201, 201, 201, 201, 201, 201,
    ]);
    expect(await count('followings', ME)).toBe(2);
    expect(await count('followers', OTHER)).toBe(1);
    expect((await relations()).filter((row) => row.target_user_id === OTHER)).toEqual([
      { user_id: ME, target_user_id: OTHER, relation: 1 },
    ]);
  });

  it('lists followings newest first with photo URLs, fans counts and mutual follows', async () => {
    expect((await call('POST', '/user/followings', STAR, { target: ME })).statusCode).toBe(201);
    await stack.sql(
      "UPDATE user_relation SET update_time = '2026-01-01 00:00:00' WHERE user_id = ? AND target_user_id = ?",
      [ME, STAR],
    );
    await stack.sql(
      "UPDATE user_relation SET update_time = '2026-01-02 00:00:00' WHERE user_id = ? AND target_user_id = ?",
      [ME, OTHER],
    );
    await stack.redis.client('cache').del(cacheKey(`user:${ME}:following`));

    const first = await call('GET', '/user/followings', ME);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain(`"id":"${OTHER}"`);
    expect(first.json()).toEqual({
      message: 'OK',
      data: {
        total_count: 2,
        page: 1,
        per_page: 10,
        results: [
          {
            id: OTHER,
            name: 'other',
            photo: `${IMG}other-photo`,
            fans_count: 1,
            mutual_follow: false,
          },
          {
            id: STAR,
            name: 'star',
            photo: `${IMG}Fkj6tQi3xJwVXi1u2swCElotfdCi`,
            fans_count: 1,
            mutual_follow: true,
          },
        ],
      },
    });
    expect(await stack.redis.client('cache').zcard(cacheKey(`user:${ME}:following`))).toBe(2);
    // Served from the cache the first call filled.
    expect(await page('/user/followings')).toEqual(first.json<{ data: FollowCardPage }>().data);
  });

  it('lists followers with mutual_follow from the caller side', async () => {
    expect(await page('/user/followers')).toEqual({
      total_count: 1,
      page: 1,
      per_page: 10,
      results: [
        {
          id: STAR,
          name: 'star',
          photo: `${IMG}Fkj6tQi3xJwVXi1u2swCElotfdCi`,
          fans_count: 1,
          mutual_follow: true,
        },
      ],
    });
    expect(await page('/user/followers', STAR)).toEqual({
      total_count: 1,
      page: 1,
      per_page: 10,
      results: [
        { id: ME, name: 'me', photo: `${IMG}me-photo`, fans_count: 1, mutual_follow: true },
      ],
    });
    expect(await page('/user/followers', LONER)).toEqual({
      total_count: 0,
      page: 1,
      per_page: 10,
      results: [],
    });
  });

  it('reads a cold list of fans from MySQL once for all the requests that miss it together', async () => {
    await stack.redis.client('cache').del(cacheKey(`user:${STAR}:fans`));
    const read = jest.spyOn(stack.userService.get(RelationsRepository), 'followEdges');
    try {
      const pages = await Promise.all(
        Array.from({ length: 20 }, () => page('/user/followers', STAR)),
      );
      expect(read).toHaveBeenCalledTimes(1);
      expect(pages.every((each) => JSON.stringify(each) === JSON.stringify(pages[0]))).toBe(true);
      expect(pages[0]).toMatchObject({
        total_count: 1,
        results: [{ id: ME, mutual_follow: true }],
      });
    } finally {
      read.mockRestore();
    }
  });

  it('pages with per_page 10-50 and rejects values outside the range', async () => {
    const secondPage = await page('/user/followings?page=2&per_page=10&perPage=1');
    expect(secondPage).toEqual({ total_count: 2, page: 2, per_page: 10, results: [] });
    const widest = await page('/user/followings?per_page=50');
    expect(widest.per_page).toBe(50);
    expect(widest.results.map((card) => card.id)).toEqual([OTHER, STAR]);

    const perPageError = { message: { per_page: 'per_page must be within the range 10 - 50' } };
    const cases: Array<[string, object]> = [
      ['per_page=9', perPageError],
      ['per_page=51', perPageError],
      ['per_page=abc', perPageError],
      ['page=0', { message: { page: 'page must be a positive integer' } }],
    ];
    for (const [query, body] of cases) {
      for (const path of ['/user/followings', '/user/followers']) {
        const response = await call('GET', `${path}?${query}`, ME);
        expect({
          path,
          query,
          status: response.statusCode,
          body: response.json<unknown>(),
        }).toEqual({ path, query, status: 400, body });
      }
    }
  });

  it('fills is_following / is_blacklist on user cards for signed-in callers only', async () => {
    const anonymous = await call('GET', `/users/${STAR}`);
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json<{ data: object }>().data).toMatchObject({
      id: STAR,
      fans_count: 1,
      is_following: false,
      is_blacklist: false,
    });

    const signedIn = await call('GET', `/users/${STAR}`, ME);
    expect(signedIn.json<{ data: object }>().data).toMatchObject({
      id: STAR,
      is_following: true,
      is_blacklist: false,
    });
    expect(await stack.redis.client('cache').hgetall(cacheKey(`user:${ME}:relationship`))).toEqual({
      [STAR]: '1',
      [OTHER]: '1',
    });

    const loner = await call('GET', `/users/${ME}`, LONER);
    expect(loner.json<{ data: object }>().data).toMatchObject({
      id: ME,
      is_following: false,
      is_blacklist: false,
    });
    const marker = cacheKey(`user:${LONER}:relationship`);
    expect(await stack.redis.client('cache').hgetall(marker)).toEqual({ '-1': '-1' });
    const ttl = await stack.redis.client('cache').ttl(marker);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(360);
  });

  it('shows a user card as to an anonymous caller when the token is bad or its session ended (reference: token used if valid)', async () => {
    const anonymous = (await call('GET', `/users/${STAR}`)).json<unknown>();
    const ended = await stack.signIn(ME);
    const logout = await stack.gateway.inject({
      method: 'DELETE',
      url: '/app/v1_0/authorizations',
      headers: { authorization: `Bearer ${ended}` },
    });
    expect(logout.statusCode).toBe(204);
    // The gateway trusts a session status it read for SESSION_STATUS_CACHE_MS.
    await sleep(SESSION_STATUS_CACHE_MS + 100);
    for (const authorization of [`Bearer ${ended}`, 'Bearer not.a.jwt']) {
      const reply = await stack.gateway.inject({
        method: 'GET',
        url: `/app/v1_0/users/${STAR}`,
        headers: { authorization },
      });
      expect({ status: reply.statusCode, body: reply.json<unknown>() }).toEqual({
        status: 200,
        body: anonymous,
      });
    }
    const signedIn = await call('GET', `/users/${STAR}`, ME);
    expect(signedIn.json<{ data: { is_following: boolean } }>().data.is_following).toBe(true);
  });

  it('turns a follow into a blacklist (2), decrementing both counters and clearing the caches', async () => {
    const response = await call('POST', '/user/blacklists', ME, { target: OTHER, relation: 1 });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ message: 'OK', data: { target: OTHER } });

    expect((await relations()).filter((row) => row.user_id === ME)).toEqual([
      { user_id: ME, target_user_id: STAR, relation: 1 },
      { user_id: ME, target_user_id: OTHER, relation: 2 },
    ]);
    expect(await count('followings', ME)).toBe(1);
    expect(await count('followers', OTHER)).toBe(0);
    expect(
      await stack.redis
        .client('cache')
        .exists(cacheKey(`user:${ME}:relationship`), cacheKey(`user:${ME}:following`)),
    ).toBe(0);

    expect((await page('/user/followings')).results.map((card) => card.id)).toEqual([STAR]);
    const card = await call('GET', `/users/${OTHER}`, ME);
    expect(card.json<{ data: object }>().data).toMatchObject({
      id: OTHER,
      fans_count: 0,
      is_following: false,
      is_blacklist: true,
    });

    // Blacklisting again changes nothing.
    expect((await call('POST', '/user/blacklists', ME, { target: OTHER })).statusCode).toBe(201);
    expect(await count('followings', ME)).toBe(1);
  });

  it('unblacklists to 0 without touching the counters', async () => {
    const response = await call('DELETE', `/user/blacklists/${OTHER}`, ME);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(
      (await relations()).find((row) => row.user_id === ME && row.target_user_id === OTHER)
        ?.relation,
    ).toBe(0);
    expect(await count('followings', ME)).toBe(1);
    expect(await count('followers', OTHER)).toBe(0);
    const card = await call('GET', `/users/${OTHER}`, ME);
    expect(card.json<{ data: object }>().data).toMatchObject({
      is_following: false,
      is_blacklist: false,
    });
  });

  it('unfollows with 204, and unfollowing a user that is not followed is still 204 and changes nothing', async () => {
    const response = await call('DELETE', `/user/followings/${STAR}`, ME);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await count('followings', ME)).toBe(0);
    expect(await count('followers', STAR)).toBe(0);
    expect((await page('/user/followings')).total_count).toBe(0);

    const before = await relations();
    for (const target of [STAR, LONER, NOBODY]) {
      const again = await call('DELETE', `/user/followings/${target}`, ME);
      expect(again.statusCode).toBe(204);
    }
    expect(await relations()).toEqual(before);
    expect(await count('followings', ME)).toBe(0);
    expect(await count('followers', STAR)).toBe(0);
    // STAR's own follow of ME is untouched.
    expect(await count('followers', ME)).toBe(1);
  });

  it('does not cache a follow list as it was read when a follow or an unfollow lands meanwhile', async () => {
    const repository = stack.userService.get(RelationsRepository);
    const follow = async (as: string, target: string) =>
      expect((await call('POST', '/user/followings', as, { target })).statusCode).toBe(201);
    const unfollow = async (as: string, target: string) =>
      expect((await call('DELETE', `/user/followings/${target}`, as)).statusCode).toBe(204);
    const listed = async (url: string, as: string) => {
      const data = await page(url, as);
      return { total: data.total_count, ids: data.results.map((card) => card.id).sort() };
    };
    /** Runs `write` after a rebuild of `key` has read its edges from MySQL and before it is cached. */
    const duringRebuild = async (
      key: string,
      read: () => Promise<unknown>,
      write: () => Promise<unknown>,
    ) => {
      await stack.redis.client('cache').del(cacheKey(key));
      await writeDuringRead(repository, 'followEdges', read, write);
    };

    await follow(LONER, STAR);
    await follow(LONER, OTHER);
    await duringRebuild(
      `user:${LONER}:following`,
      () => page('/user/followings', LONER),
      () => unfollow(LONER, OTHER),
    );
    expect(await listed('/user/followings', LONER)).toEqual({ total: 1, ids: [STAR] });

    await duringRebuild(
      `user:${LONER}:following`,
      () => page('/user/followings', LONER),
      () => follow(LONER, ME),
    );
    expect(await listed('/user/followings', LONER)).toEqual({ total: 2, ids: [ME, STAR] });

    await duringRebuild(
      `user:${STAR}:fans`,
      () => page('/user/followers', STAR),
      () => follow(OTHER, STAR),
    );
    expect(await listed('/user/followers', STAR)).toEqual({ total: 2, ids: [OTHER, LONER] });

    await duringRebuild(
      `user:${STAR}:fans`,
      () => page('/user/followers', STAR),
      () => unfollow(LONER, STAR),
    );
    expect(await listed('/user/followers', STAR)).toEqual({ total: 1, ids: [OTHER] });
  });

  it('does not cache the relations of a user as they were read when an unfollow or a follow lands meanwhile', async () => {
    const repository = stack.userService.get(RelationsRepository);
    const isFollowing = async (as: string, target: string) => {
      const card = await call('GET', `/users/${target}`, as);
      expect(card.statusCode).toBe(200);
      return card.json<{ data: { is_following: boolean } }>().data.is_following;
    };
    /** Runs `write` after LONER's relations were read from MySQL and before they are cached. */
    const duringRead = async (write: () => Promise<unknown>) => {
      await stack.redis.client('cache').del(cacheKey(`user:${LONER}:relationship`));
      await writeDuringRead(repository, 'relationsOf', () => isFollowing(LONER, ME), write);
    };

    expect((await call('POST', '/user/followings', LONER, { target: ME })).statusCode).toBe(201);
    expect(await isFollowing(LONER, ME)).toBe(true);
    await duringRead(async () =>
      expect((await call('DELETE', `/user/followings/${ME}`, LONER)).statusCode).toBe(204),
    );
    expect(await isFollowing(LONER, ME)).toBe(false);
    await duringRead(async () =>
      expect((await call('POST', '/user/followings', LONER, { target: ME })).statusCode).toBe(201),
    );
    expect(await isFollowing(LONER, ME)).toBe(true);
  });
  it('lists follows made within one second newest first: followings, and followers of an author', async () => {
    // Fresh users whose ids sort against the order they are followed in.
    const [first, second, third] = [
      '1294287382374383621',
      '1294287382374383622',
      '1294287382374383623',
    ];
    const fan = '1294287382374383624';
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, status) VALUES
       (?, '13900000021', 'u21', 1), (?, '13900000022', 'u22', 1), (?, '13900000023', 'u23', 1),
       (?, '13900000024', 'u24', 1)`,
      [first, second, third, fan],
    );
    for (const id of [first, second, third, fan]) tokens.set(id, await stack.signIn(id));
    const ids = async (url: string, as: string) =>
      (await page(url, as)).results.map((card) => card.id);
    // The follows below take a few milliseconds each: start them at the top of a second.
    await sleep(1000 - (Date.now() % 1000));

    for (const target of [second, first, third])
      expect((await call('POST', '/user/followings', fan, { target })).statusCode).toBe(201);
    for (const follower of [third, first])
      expect(
        (await call('POST', '/user/followings', follower, { target: second })).statusCode,
      ).toBe(201);

    expect(await ids('/user/followings', fan)).toEqual([third, first, second]);
    expect(await ids('/user/followers', second)).toEqual([first, third, fan]);
  });

  it('sends no following notify to a user who blacklisted the follower, who still follows and is counted as the reference did; lifted, the next follow notifies', async () => {
    const [blocker, pest] = ['1294287382374383625', '1294287382374383626'];
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, status) VALUES
       (?, '13900000025', 'u25', 1), (?, '13900000026', 'u26', 1)`,
      [blocker, pest],
    );
    for (const id of [blocker, pest]) tokens.set(id, await stack.signIn(id));
    expect((await call('POST', '/user/blacklists', blocker, { target: pest })).statusCode).toBe(
      201,
    );
    notifications.published.length = 0;

    expect((await call('POST', '/user/followings', pest, { target: blocker })).statusCode).toBe(
      201,
    );
    expect(await count('followers', blocker)).toBe(1);
    // Notifications are published before the follow answers: one of another user made after it
    // comes alone.
    expect((await call('POST', '/user/followings', pest, { target: LONER })).statusCode).toBe(201);
    await waitFor(() => notifications.published.length > 0);
    expect(notifications.published.map((published) => published.channel)).toEqual([
      notifications.roomChannel(LONER),
    ]);

    expect((await call('DELETE', `/user/followings/${blocker}`, pest)).statusCode).toBe(204);
    expect((await call('DELETE', `/user/blacklists/${pest}`, blocker)).statusCode).toBe(204);
    notifications.published.length = 0;
    expect((await call('POST', '/user/followings', pest, { target: blocker })).statusCode).toBe(
      201,
    );
    await waitFor(() => notifications.published.length > 0);
    expect(notifications.published.map((published) => published.channel)).toEqual([
      notifications.roomChannel(blocker),
    ]);
  });
});
