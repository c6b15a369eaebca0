import { CacheKeys, TwoLevelCache } from '@app/cache';

import { type ArticleStack, startArticleStack } from './support/article-stack';

const USER_A = '1294287382374383616';
const USER_B = '1294287382374383617';
const USER_C = '1294287382374383618';
/** Users who have never changed their list: they see the default channels. */
const ON_DEFAULTS = [
  '1294287382374383619',
  '1294287382374383620',
  '1294287382374383621',
  '1294287382374383622',
];

const RECOMMENDED = { id: 0, name: '推荐' };
const HTML = { id: 1, name: 'html' };
const PYTHON = { id: 2, name: 'python' };
const GO = { id: 4, name: 'go' };
const JAVA = { id: 5, name: 'java' };
/** Visible and default, by sequence then id; `hidden` (3) is default but not visible. */
const DEFAULTS = [RECOMMENDED, GO, HTML];

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface UserChannelRow {
  user_id: string;
  channel_id: number;
  is_deleted: number;
  sequence: number;
}

describe('user channels: gateway -> news over gRPC', () => {
  let stack: ArticleStack;
  const tokens = new Map<string, string>();

  const call = (method: Method, url: string, options: { user?: string; body?: unknown } = {}) =>
    stack.gateway.inject({
      method,
      url: `/app${url}`,
      headers: options.user ? { authorization: `Bearer ${tokens.get(options.user)}` } : {},
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    });

  const channelsOf = async (user?: string, version = 'v1_0') => {
    const response = await call('GET', `/${version}/user/channels`, { user });
    expect(response.statusCode).toBe(200);
    return response.json<{ message: string; data: { channels: { id: number; name: string }[] } }>()
      .data.channels;
  };

  const rows = async (user?: string): Promise<UserChannelRow[]> => {
    const sql = `SELECT CAST(user_id AS CHAR) AS user_id, channel_id, is_deleted, sequence FROM news_user_channel
                 ${user ? 'WHERE user_id = ?' : ''} ORDER BY user_id, channel_id`;
    return (await stack.sql(sql, user ? [user] : [])) as UserChannelRow[];
  };

  const cacheKey = (user: string) => `${stack.redis.prefix}user:${user}:ch`;

  beforeAll(async () => {
    stack = await startArticleStack();
    await stack.sql(
      `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES
       (1, 'html', 2, 1, 1), (2, 'python', 1, 1, 0), (3, 'hidden', 0, 0, 1), (4, 'go', 1, 1, 1), (5, 'java', 3, 1, 0)`,
    );
    for (const user of [USER_A, USER_B, USER_C, ...ON_DEFAULTS])
      tokens.set(user, await stack.signIn(user));
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('reading', () => {
    it('gives anonymous callers 推荐 then the visible default channels by sequence, on v1_0 and v1_1', async () => {
      expect(await channelsOf()).toEqual(DEFAULTS);
      expect(await channelsOf(undefined, 'v1_1')).toEqual(DEFAULTS);
    });

    it('gives a signed-in user without rows the same list and caches their empty own list', async () => {
      expect(await channelsOf(USER_C)).toEqual(DEFAULTS);
      expect(await channelsOf(USER_C, 'v1_1')).toEqual(DEFAULTS);
      expect(await stack.redis.client('cache').get(cacheKey(USER_C))).toBe('[]');
    });

    it('answers a bad bearer token with 401', async () => {
      const response = await stack.gateway.inject({
        method: 'GET',
        url: '/app/v1_0/user/channels',
        headers: { authorization: 'Bearer not-a-token' },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ message: 'Token has some errors.' });
    });
  });

  describe('authorization', () => {
    it.each([
      ['POST', '/v1_0/user/channels', { channels: [{ id: 1, seq: 1 }] }],
      ['PUT', '/v1_0/user/channels', { channels: [{ id: 1, seq: 1 }] }],
      ['PATCH', '/v1_0/user/channels', { channels: [{ id: 1, seq: 1 }] }],
      ['DELETE', '/v1_0/user/channels', { channels: [1] }],
      ['PUT', '/v1_0/user/channels/1', { seq: 1 }],
      ['DELETE', '/v1_0/user/channels/1', undefined],
    ] as const)('%s %s without a token is 401 and changes nothing', async (method, url, body) => {
      const response = await call(method, url, { body });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ message: 'User must be authorized.' });
      expect(await rows()).toEqual([]);
    });
  });

  describe('changing the list', () => {
    it('PATCH stores the given channels in seq order, ignores unknown fields and other users, and keeps B apart', async () => {
      expect(await channelsOf(USER_A)).toEqual(DEFAULTS);
      expect(await stack.redis.client('cache').get(cacheKey(USER_A))).toBe('[]');
      const own = await call('PUT', '/v1_0/user/channels', {
        user: USER_A,
        body: { channels: [{ id: 1, seq: 3 }] },
      });
      expect(own.statusCode).toBe(201);

      const response = await call('PATCH', '/v1_0/user/channels', {
        user: USER_A,
        body: {
          user_id: USER_B,
          extra: true,
          channels: [
            { id: 5, seq: 2, name: 'renamed', is_deleted: 1, user_id: USER_B },
            { id: 2, seq: 1 },
          ],
        },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({
        message: 'OK',
        data: {
          channels: [
            { id: 5, seq: 2 },
            { id: 2, seq: 1 },
          ],
        },
      });
      expect(await stack.redis.client('cache').exists(cacheKey(USER_A))).toBe(0);
      expect(await channelsOf(USER_A)).toEqual([RECOMMENDED, PYTHON, JAVA, HTML]);
      expect(await rows()).toEqual([
        { user_id: USER_A, channel_id: 1, is_deleted: 0, sequence: 3 },
        { user_id: USER_A, channel_id: 2, is_deleted: 0, sequence: 1 },
        { user_id: USER_A, channel_id: 5, is_deleted: 0, sequence: 2 },
      ]);
      expect(await channelsOf(USER_B)).toEqual(DEFAULTS);
      expect(await channelsOf()).toEqual(DEFAULTS);
    });

    it("one user's change never touches another user's list or cache", async () => {
      const aBefore = await channelsOf(USER_A);
      const aCacheBefore = await stack.redis.client('cache').get(cacheKey(USER_A));
      expect(aCacheBefore).not.toBeNull();

      const response = await call('PUT', '/v1_0/user/channels', {
        user: USER_B,
        body: { channels: [{ id: 1, seq: 1 }] },
      });
      expect(response.statusCode).toBe(201);
      expect(await channelsOf(USER_B)).toEqual([RECOMMENDED, HTML]);

      expect(await stack.redis.client('cache').get(cacheKey(USER_A))).toBe(aCacheBefore);
      expect(await channelsOf(USER_A)).toEqual(aBefore);
      expect(await rows(USER_A)).toEqual([
        { user_id: USER_A, channel_id: 1, is_deleted: 0, sequence: 3 },
        { user_id: USER_A, channel_id: 2, is_deleted: 0, sequence: 1 },
        { user_id: USER_A, channel_id: 5, is_deleted: 0, sequence: 2 },
      ]);
    });

    it('POST adds new channels with 201 and answers 409 for one the user already has, adding nothing', async () => {
      const conflict = await call('POST', '/v1_0/user/channels', {
        user: USER_A,
        body: {
          channels: [
            { id: 4, seq: 3 },
            { id: 2, seq: 4 },
          ],
        },
      });
      expect(conflict.statusCode).toBe(409);
      expect(conflict.json()).toEqual({ message: 'Some conflict user channels occurred.' });
      expect((await rows(USER_A)).map((row) => row.channel_id)).toEqual([1, 2, 5]);

      const added = await call('POST', '/v1_0/user/channels', {
        user: USER_A,
        body: { channels: [{ id: 4, seq: 3 }] },
      });
      expect(added.statusCode).toBe(201);
      expect(added.json()).toEqual({ message: 'OK', data: { channels: [{ id: 4, seq: 3 }] } });
      expect(await channelsOf(USER_A)).toEqual([RECOMMENDED, PYTHON, JAVA, HTML, GO]);

      const again = await call('POST', '/v1_0/user/channels', {
        user: USER_A,
        body: { channels: [{ id: 4, seq: 9 }] },
      });
      expect(again.statusCode).toBe(409);
      expect((await rows(USER_A)).find((row) => row.channel_id === 4)?.sequence).toBe(3);
    });

    it('PUT replaces the list: channels not in it disappear (soft-deleted)', async () => {
      const response = await call('PUT', '/v1_0/user/channels', {
        user: USER_A,
        body: {
          channels: [
            { id: 1, seq: 2 },
            { id: 4, seq: 3 },
          ],
        },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({
        message: 'OK',
        data: {
          channels: [
            { id: 1, seq: 2 },
            { id: 4, seq: 3 },
          ],
        },
      });
      expect(await channelsOf(USER_A)).toEqual([RECOMMENDED, HTML, GO]);
      expect(await rows(USER_A)).toEqual([
        { user_id: USER_A, channel_id: 1, is_deleted: 0, sequence: 2 },
        { user_id: USER_A, channel_id: 2, is_deleted: 1, sequence: 1 },
        { user_id: USER_A, channel_id: 4, is_deleted: 0, sequence: 3 },
        { user_id: USER_A, channel_id: 5, is_deleted: 1, sequence: 2 },
      ]);
    });

    it('POST brings back a channel the user removed', async () => {
      const response = await call('POST', '/v1_0/user/channels', {
        user: USER_A,
        body: { channels: [{ id: 2, seq: 4 }] },
      });
      expect(response.statusCode).toBe(201);
      expect(await channelsOf(USER_A)).toEqual([RECOMMENDED, HTML, GO, PYTHON]);
    });

    it('PUT /user/channels/{id} moves (or adds) one channel and answers 201 {id, seq}', async () => {
      const response = await call('PUT', '/v1_0/user/channels/5', {
        user: USER_A,
        body: { seq: 1, id: 99 },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({ message: 'OK', data: { id: 5, seq: 1 } });
      expect(await channelsOf(USER_A)).toEqual([RECOMMENDED, JAVA, HTML, GO, PYTHON]);
    });

    it('DELETE /user/channels/{id} removes one channel with 204 and no body', async () => {
      const response = await call('DELETE', '/v1_0/user/channels/5', { user: USER_A });
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect(await channelsOf(USER_A)).toEqual([RECOMMENDED, HTML, GO, PYTHON]);
    });

    it('DELETE /user/channels removes the listed channels with 204; unknown ids are ignored', async () => {
      const response = await call('DELETE', '/v1_0/user/channels', {
        user: USER_A,
        body: { channels: [1, 2, 77] },
      });
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect(await channelsOf(USER_A)).toEqual([RECOMMENDED, GO]);
      expect(await channelsOf(USER_B)).toEqual([RECOMMENDED, HTML]);
    });

    // The reference routed `{t}` as int(min=1), any positive integer: one past the channel ids
    // (int32) is a channel the user does not have, which is not deleted.
    it.each(['2147483648', '12345678901', '99999999999999999999', '1'.repeat(30)])(
      'DELETE /user/channels/%s answers 204 and changes nothing',
      async (target) => {
        const before = await rows();
        const response = await call('DELETE', `/v1_0/user/channels/${target}`, { user: USER_B });
        expect([response.statusCode, response.body]).toEqual([204, '']);
        expect(await rows()).toEqual(before);
        expect(await channelsOf(USER_B)).toEqual([RECOMMENDED, HTML]);
      },
    );

    it('a user whose channels are all removed gets the defaults again', async () => {
      expect((await call('DELETE', '/v1_0/user/channels/4', { user: USER_A })).statusCode).toBe(
        204,
      );
      expect(await channelsOf(USER_A)).toEqual(DEFAULTS);
    });
  });

  describe('the user channel cache', () => {
    const changes: [string, Method, string, unknown, { id: number; name: string }[]][] = [
      // The user starts on the defaults (go, html), which the first change makes their own.
      [
        'POST',
        'POST',
        '/v1_0/user/channels',
        { channels: [{ id: 2, seq: 1 }] },
        [PYTHON, GO, HTML],
      ],
      [
        'PATCH',
        'PATCH',
        '/v1_0/user/channels',
        { channels: [{ id: 1, seq: 2 }] },
        [PYTHON, GO, HTML],
      ],
      ['PUT', 'PUT', '/v1_0/user/channels', { channels: [{ id: 5, seq: 1 }] }, [JAVA]],
      ['PUT one', 'PUT', '/v1_0/user/channels/4', { seq: 2 }, [JAVA, GO]],
      ['DELETE one', 'DELETE', '/v1_0/user/channels/5', undefined, [GO]],
      ['DELETE', 'DELETE', '/v1_0/user/channels', { channels: [4] }, []],
    ];

    it.each(changes)(
      '%s deletes user:{uid}:ch, so a stale list is never served after it',
      async (_name, method, url, body, own) => {
        await channelsOf(USER_A);
        const stale = JSON.stringify([{ id: 3, name: 'stale' }]);
        await stack.redis.client('cache').set(cacheKey(USER_A), stale, 'EX', 600);

        const response = await call(method, url, { user: USER_A, body });
        expect([201, 204]).toContain(response.statusCode);
        expect(await stack.redis.client('cache').exists(cacheKey(USER_A))).toBe(0);

        expect(await channelsOf(USER_A)).toEqual(own.length > 0 ? [RECOMMENDED, ...own] : DEFAULTS);
        expect(
          JSON.parse((await stack.redis.client('cache').get(cacheKey(USER_A))) ?? 'null'),
        ).toEqual(own);
      },
    );

    it('a rejected change leaves the list as it was', async () => {
      const before = await channelsOf(USER_A);
      const response = await call('POST', '/v1_0/user/channels', {
        user: USER_A,
        body: { channels: [{ id: 99, seq: 1 }] },
      });
      expect(response.statusCode).toBe(400);
      expect(await channelsOf(USER_A)).toEqual(before);
    });
  });

  describe('invalid input answers 400 with the reference message (404 for an id no route takes) and changes nothing', () => {
    const positions = (channels: unknown) => ({ channels });
    const cases: [string, unknown, string][] = [
      ['a missing channels field', { other: 1 }, 'Channels param is required.'],
      ['channels: null', positions(null), 'Channels param is required.'],
      ['an empty list', positions([]), 'Channels param is required.'],
      ['channels as a string', positions('1,2'), 'Invalid channels param.'],
      ['a bare id instead of {id, seq}', positions([1]), 'Invalid channels param.'],
      ['an unknown channel', positions([{ id: 99, seq: 1 }]), 'Invalid channels param.'],
      ['a hidden channel', positions([{ id: 3, seq: 1 }]), 'Invalid channels param.'],
      ['the virtual channel 0', positions([{ id: 0, seq: 1 }]), 'Invalid channels param.'],
      ['a non-numeric id', positions([{ id: 'go', seq: 1 }]), 'Invalid channels param.'],
      [
        'repeated ids',
        positions([
          { id: 1, seq: 1 },
          { id: 1, seq: 2 },
        ]),
        'Repeated channels occurred.',
      ],
      ['seq 0', positions([{ id: 1, seq: 0 }]), 'Invalid channel sequence param.'],
      ['a negative seq', positions([{ id: 1, seq: -1 }]), 'Invalid channel sequence param.'],
      ['a missing seq', positions([{ id: 1 }]), 'Invalid channel sequence param.'],
      ['a fractional seq', positions([{ id: 1, seq: 1.5 }]), 'Invalid channel sequence param.'],
    ];

    for (const method of ['POST', 'PUT', 'PATCH'] as const) {
      it.each(cases)(`${method} with %s`, async (_case, body, message) => {
        const before = await rows();
        const response = await call(method, '/v1_0/user/channels', { user: USER_A, body });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({ message });
        expect(await rows()).toEqual(before);
      });
    }

    it.each([
      ['a missing channels field', {}, 'Channels param is required.'],
      ['an empty list', { channels: [] }, 'Channels param is required.'],
      ['objects instead of ids', { channels: [{ id: 1 }] }, 'Invalid channels param.'],
      ['id 0', { channels: [0] }, 'Invalid channels param.'],
    ])('DELETE with %s', async (_case, body, message) => {
      const before = await rows();
      const response = await call('DELETE', '/v1_0/user/channels', { user: USER_A, body });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ message });
      expect(await rows()).toEqual(before);
    });

    it.each([
      ['an unknown channel', '/v1_0/user/channels/99', { seq: 1 }, 'Invalid channel id.'],
      ['a hidden channel', '/v1_0/user/channels/3', { seq: 1 }, 'Invalid channel id.'],
      ['a non-numeric id', '/v1_0/user/channels/abc', { seq: 1 }, 'Invalid channel id.'],
      ['the virtual channel 0', '/v1_0/user/channels/0', { seq: 1 }, 'Invalid channel id.'],
      ['an id past int32', '/v1_0/user/channels/2147483648', { seq: 1 }, 'Invalid channel id.'],
      ['a 20-digit id', `/v1_0/user/channels/${'9'.repeat(20)}`, { seq: 1 }, 'Invalid channel id.'],
      ['seq 0', '/v1_0/user/channels/1', { seq: 0 }, 'Invalid channel sequence param.'],
      ['a negative seq', '/v1_0/user/channels/1', { seq: -4 }, 'Invalid channel sequence param.'],
      ['no seq', '/v1_0/user/channels/1', {}, 'Invalid channel sequence param.'],
    ])('PUT /user/channels/{id} with %s', async (_case, url, body, message) => {
      const before = await rows();
      const response = await call('PUT', url, { user: USER_A, body });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ message });
      expect(await rows()).toEqual(before);
    });

    // The reference routed `{t}` as int(min=1); other values name no route.
    it.each(['abc', '0', '-1'])('DELETE /user/channels/%s answers 404', async (target) => {
      const response = await call('DELETE', `/v1_0/user/channels/${target}`, { user: USER_A });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ message: 'The channel does not exist.' });
    });
  });

  describe("a signed-in user's first change edits the default list they were shown (toutiao-m's channel editor)", () => {
    const [ADDS, DELETES, POSTS, MOVES] = ON_DEFAULTS;

    it('PATCH of one channel, as the editor adds it (seq = its place after 推荐), keeps the defaults', async () => {
      expect(await channelsOf(ADDS)).toEqual(DEFAULTS);
      const response = await call('PATCH', '/v1_0/user/channels', {
        user: ADDS,
        body: { channels: [{ id: 5, seq: DEFAULTS.length + 1 }] },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({ message: 'OK', data: { channels: [{ id: 5, seq: 4 }] } });
      expect(await channelsOf(ADDS)).toEqual([...DEFAULTS, JAVA]);
      expect(await rows(ADDS)).toEqual([
        { user_id: ADDS, channel_id: 1, is_deleted: 0, sequence: 2 },
        { user_id: ADDS, channel_id: 4, is_deleted: 0, sequence: 1 },
        { user_id: ADDS, channel_id: 5, is_deleted: 0, sequence: 4 },
      ]);
    });

    it('DELETE /user/channels/{id} of a default channel removes it from the list', async () => {
      const response = await call('DELETE', `/v1_0/user/channels/${HTML.id}`, { user: DELETES });
      expect(response.statusCode).toBe(204);
      expect(await channelsOf(DELETES)).toEqual([RECOMMENDED, GO]);
    });

    it('POST answers 409 for a default channel already shown, and adds a new one after them', async () => {
      const conflict = await call('POST', '/v1_0/user/channels', {
        user: POSTS,
        body: { channels: [{ id: GO.id, seq: 5 }] },
      });
      expect(conflict.statusCode).toBe(409);
      expect(conflict.json()).toEqual({ message: 'Some conflict user channels occurred.' });
      expect(await rows(POSTS)).toEqual([]);
      expect(await channelsOf(POSTS)).toEqual(DEFAULTS);

      const added = await call('POST', '/v1_0/user/channels', {
        user: POSTS,
        body: { channels: [{ id: PYTHON.id, seq: 3 }] },
      });
      expect(added.statusCode).toBe(201);
      expect(await channelsOf(POSTS)).toEqual([...DEFAULTS, PYTHON]);
    });

    it('PUT /user/channels/{id} moves a default channel among the others', async () => {
      const response = await call('PUT', `/v1_0/user/channels/${GO.id}`, {
        user: MOVES,
        body: { seq: 3 },
      });
      expect(response.statusCode).toBe(201);
      expect(await channelsOf(MOVES)).toEqual([RECOMMENDED, HTML, GO]);
    });

    it('after removing every channel, the defaults shown again are the list the next change edits', async () => {
      for (const channel of [HTML, GO])
        expect(
          (await call('DELETE', `/v1_0/user/channels/${channel.id}`, { user: MOVES })).statusCode,
        ).toBe(204);
      expect(await channelsOf(MOVES)).toEqual(DEFAULTS);
      const response = await call('PATCH', '/v1_0/user/channels', {
        user: MOVES,
        body: { channels: [{ id: JAVA.id, seq: 4 }] },
      });
      expect(response.statusCode).toBe(201);
      expect(await channelsOf(MOVES)).toEqual([...DEFAULTS, JAVA]);
    });

    it('PUT replaces the list with exactly what it sends', async () => {
      const response = await call('PUT', '/v1_0/user/channels', {
        user: ADDS,
        body: { channels: [{ id: PYTHON.id, seq: 1 }] },
      });
      expect(response.statusCode).toBe(201);
      expect(await channelsOf(ADDS)).toEqual([RECOMMENDED, PYTHON]);
    });
  });

  describe("toutiao-m's channel editor: the list it shows is the list the next visit reads", () => {
    const EDITOR = '1294287382374383630';
    const TAPPER = '1294287382374383631';
    let shown: { id: number; name: string }[];

    beforeAll(async () => {
      for (const user of [EDITOR, TAPPER]) tokens.set(user, await stack.signIn(user));
    });

    /** As the editor adds a channel: PATCH at `seq` = the length of the list it shows, then appends it. */
    const add = async (user: string, channel: { id: number; name: string }) => {
      const response = await call('PATCH', '/v1_0/user/channels', {
        user,
        body: { channels: [{ id: channel.id, seq: shown.length }] },
      });
      expect(response.statusCode).toBe(201);
      shown = [...shown, channel];
    };
    /** As the editor removes a channel: DELETE /user/channels/{id}, then drops it from what it shows. */
    const remove = async (user: string, channel: { id: number }) => {
      const response = await call('DELETE', `/v1_0/user/channels/${channel.id}`, { user });
      expect(response.statusCode).toBe(204);
      shown = shown.filter(({ id }) => id !== channel.id);
    };

    it('a channel added back after a removal stays last, where it fell into the gap before the last one', async () => {
      shown = await channelsOf(EDITOR);
      expect(shown).toEqual(DEFAULTS);
      await add(EDITOR, PYTHON);
      await add(EDITOR, JAVA);
      await remove(EDITOR, GO);
      await add(EDITOR, GO);
      expect(shown).toEqual([RECOMMENDED, HTML, PYTHON, JAVA, GO]);
      expect(await channelsOf(EDITOR)).toEqual(shown);
      await remove(EDITOR, HTML);
      await remove(EDITOR, PYTHON);
      await add(EDITOR, HTML);
      expect(await channelsOf(EDITOR)).toEqual([RECOMMENDED, JAVA, GO, HTML]);
    });

    it('two channels removed at once (quick taps) are both removed, and the next add stays last', async () => {
      shown = await channelsOf(TAPPER);
      await add(TAPPER, PYTHON);
      await add(TAPPER, JAVA);
      const responses = await Promise.all(
        [GO, HTML].map((channel) =>
          call('DELETE', `/v1_0/user/channels/${channel.id}`, { user: TAPPER }),
        ),
      );
      expect(responses.map((response) => response.statusCode)).toEqual([204, 204]);
      shown = [RECOMMENDED, PYTHON, JAVA];
      expect(await channelsOf(TAPPER)).toEqual(shown);
      await add(TAPPER, GO);
      expect(await channelsOf(TAPPER)).toEqual([RECOMMENDED, PYTHON, JAVA, GO]);
    });

    /** Fresh signed-in users still on the default list: one per try of a race. */
    const freshUsers = async (first: bigint, count: number) => {
      const users = Array.from({ length: count }, (_, index) => String(first + BigInt(index)));
      for (const user of users) tokens.set(user, await stack.signIn(user));
      return users;
    };

    it('two channels added at once (quick taps) to the default list are both added, never a 500', async () => {
      for (const user of await freshUsers(1294287382374383640n, 8)) {
        const responses = await Promise.all(
          [
            { id: PYTHON.id, seq: 3 },
            { id: JAVA.id, seq: 4 },
          ].map((channel) =>
            call('PATCH', '/v1_0/user/channels', { user, body: { channels: [channel] } }),
          ),
        );
        expect(responses.map((response) => response.statusCode)).toEqual([201, 201]);
        expect(await channelsOf(user)).toEqual([...DEFAULTS, PYTHON, JAVA]);
      }
    });

    it('two channels added by quick taps, both at the length of the list shown, stay in the order they were added', async () => {
      const [user] = await freshUsers(1294287382374383700n, 1);
      shown = await channelsOf(user);
      // The second tap sends the same seq before the first is answered; each is shown once answered.
      for (const channel of [JAVA, PYTHON]) {
        const response = await call('PATCH', '/v1_0/user/channels', {
          user,
          body: { channels: [{ id: channel.id, seq: DEFAULTS.length }] },
        });
        expect(response.statusCode).toBe(201);
        shown = [...shown, channel];
      }
      expect(await channelsOf(user)).toEqual(shown);
      await remove(user, GO);
      expect(await channelsOf(user)).toEqual([RECOMMENDED, HTML, JAVA, PYTHON]);
    });

    it('a default channel removed while another is added (quick taps) stays removed', async () => {
      for (const user of await freshUsers(1294287382374383660n, 8)) {
        const responses = await Promise.all([
          call('PATCH', '/v1_0/user/channels', {
            user,
            body: { channels: [{ id: PYTHON.id, seq: 3 }] },
          }),
          call('DELETE', `/v1_0/user/channels/${GO.id}`, { user }),
        ]);
        expect(responses.map((response) => response.statusCode)).toEqual([201, 204]);
        expect(await channelsOf(user)).toEqual([RECOMMENDED, HTML, PYTHON]);
      }
    });

    it('a PUT racing the first PATCH leaves no default channel the PUT did not send', async () => {
      for (const user of await freshUsers(1294287382374383680n, 8)) {
        const responses = await Promise.all([
          call('PATCH', '/v1_0/user/channels', {
            user,
            body: { channels: [{ id: PYTHON.id, seq: 3 }] },
          }),
          call('PUT', '/v1_0/user/channels', {
            user,
            body: { channels: [{ id: JAVA.id, seq: 1 }] },
          }),
        ]);
        expect(responses.map((response) => response.statusCode)).toEqual([201, 201]);
        const ids = (await channelsOf(user)).map(({ id }) => id);
        expect(ids.filter((id) => id === GO.id || id === HTML.id)).toEqual([]);
        expect(ids).toContain(JAVA.id);
      }
    });
  });

  it('keeps GET /v1_0/channels listing every visible channel by sequence then id', async () => {
    const response = await call('GET', '/v1_0/channels');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      message: 'OK',
      data: { channels: [PYTHON, GO, HTML, JAVA] },
    });
  });

  describe('a channel edit (hidden or renamed) after a user list was cached', () => {
    const USER = '1294287382374383790';
    /** What a channel edit does after its write: drop the channel lists in Redis and in every replica. */
    const channelsEdited = () =>
      stack
        .newsService!.get(TwoLevelCache)
        .invalidate(CacheKeys.allChannels(), CacheKeys.defaultChannels());

    afterAll(async () => {
      await stack.sql(
        `UPDATE news_channel SET is_visible = 1, channel_name = 'java' WHERE channel_id = 5`,
      );
      await stack.sql(`UPDATE news_channel SET channel_name = 'python' WHERE channel_id = 2`);
      await stack.sql(`UPDATE news_channel SET is_visible = 1 WHERE channel_id = 4`);
      await channelsEdited();
    });

    it('leaves the hidden channel off the list and names the renamed one at once, where the cached list showed them as they were (a tab whose feed answers 400)', async () => {
      tokens.set(USER, await stack.signIn(USER));
      const put = await call('PUT', '/v1_0/user/channels', {
        user: USER,
        body: {
          channels: [
            { id: PYTHON.id, seq: 1 },
            { id: JAVA.id, seq: 2 },
          ],
        },
      });
      expect(put.statusCode).toBe(201);
      expect(await channelsOf(USER)).toEqual([RECOMMENDED, PYTHON, JAVA]);

      await stack.sql(`UPDATE news_channel SET is_visible = 0 WHERE channel_id = 5`);
      await stack.sql(`UPDATE news_channel SET channel_name = 'py3' WHERE channel_id = 2`);
      await channelsEdited();

      expect(await channelsOf(USER)).toEqual([RECOMMENDED, { id: PYTHON.id, name: 'py3' }]);
      const feed = await stack.gateway.inject({
        method: 'GET',
        url: `/app/v1_1/articles?channel_id=${JAVA.id}&timestamp=${Date.now()}&with_top=0`,
        headers: { authorization: `Bearer ${tokens.get(USER)}` },
      });
      expect(feed.statusCode).toBe(400);
    });

    it('lists a channel of the user again at once when an edit shows it again, where the list cached while it was hidden left it off', async () => {
      const user = '1294287382374383791';
      tokens.set(user, await stack.signIn(user));
      const put = await call('PUT', '/v1_0/user/channels', {
        user,
        body: {
          channels: [
            { id: HTML.id, seq: 1 },
            { id: GO.id, seq: 2 },
          ],
        },
      });
      expect(put.statusCode).toBe(201);
      await stack.sql(`UPDATE news_channel SET is_visible = 0 WHERE channel_id = ?`, [GO.id]);
      await channelsEdited();
      expect(await channelsOf(user)).toEqual([RECOMMENDED, HTML]);

      await stack.sql(`UPDATE news_channel SET is_visible = 1 WHERE channel_id = ?`, [GO.id]);
      await channelsEdited();

      expect(await channelsOf(user)).toEqual([RECOMMENDED, HTML, GO]);
    });
  });
});
