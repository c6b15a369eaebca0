import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { crc32, inflateSync } from 'node:zlib';

import { freePort } from '@app/testing';

import {
  BROKEN_IMAGE_FIXTURES,
  IMAGE_FIXTURES,
  TRUNCATED_IMAGE_FIXTURES,
} from '../../libs/storage/src/image-fixtures.stub';
import { type ArticleStack, startArticleStack } from './support/article-stack';
import { unreadableMultipartBodies } from './support/unreadable-multipart';

const ME = '1294287382374383620';
/** The reference's default photo key, which the user service names for a user without a photo. */
const DEFAULT_PHOTO_KEY = 'Fkj6tQi3xJwVXi1u2swCElotfdCi';
const OTHER = '1294287382374383621';
const PUBLIC_URL = 'http://img.test/static/';
const MAX_IMAGE_BYTES = 4096;
const UNAUTHORIZED = { message: 'User must be authorized.' };

interface Part {
  field: string;
  content: Buffer | string;
  filename?: string;
  contentType?: string;
}

function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----tt${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.field}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename
      ? `Content-Type: ${part.contentType ?? 'application/octet-stream'}\r\n`
      : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    chunks.push(Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/**
 * Sends a request's head announcing a body it never sends, and answers what the server replies
 * within `waitMs` ('' when it is still waiting for the body).
 */
function replyToHeadOnly(port: number, head: string, waitMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let received = '';
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.includes('\r\n\r\n{')) finish();
    });
    socket.on('error', reject);
  });
}

const keyOf = (bytes: Buffer, extension: string): string =>
  `${createHash('sha256').update(bytes).digest('hex')}.${extension}`;

describe('profiles and photos (gateway -> user over gRPC, local storage)', () => {
  const uploads = mkdtempSync(join(tmpdir(), 'tt-uploads-'));
  let stack: ArticleStack;
  let auth: Record<string, string>;

  const request = (
    method: 'GET' | 'PATCH',
    url: string,
    options: {
      payload?: object | Buffer;
      headers?: Record<string, string>;
      signedIn?: boolean;
    } = {},
  ) =>
    stack.gateway.inject({
      method,
      url,
      payload: options.payload as Record<string, unknown> | Buffer | undefined,
      headers: { ...(options.signedIn === false ? {} : auth), ...options.headers },
    });
  const patchProfile = (payload: object, signedIn = true) =>
    request('PATCH', '/app/v1_0/user/profile', { payload, signedIn });
  const patchPhotos = (parts: Part[], signedIn = true) =>
    request('PATCH', '/app/v1_0/user/photo', { ...multipart(parts), signedIn });

  const row = async (sql: string, params: unknown[] = [ME]) =>
    ((await stack.sql(sql, params)) as Record<string, unknown>[])[0];
  const basicRow = () =>
    row(
      'SELECT user_name, profile_photo, introduction, is_media, status, certificate, mobile FROM user_basic WHERE user_id = ?',
    );
  const profileRow = () =>
    row(
      `SELECT gender, DATE_FORMAT(birthday, '%Y-%m-%d') AS birthday, real_name, id_number, id_card_front, id_card_back, id_card_handheld
       FROM user_profile WHERE user_id = ?`,
    );
  const cacheHas = async (key: string) =>
    (await stack.redis.client('cache').exists(`${stack.redis.prefix}${key}`)) === 1;

  beforeAll(async () => {
    stack = await startArticleStack({
      STORAGE_PUBLIC_URL: PUBLIC_URL,
      STORAGE_LOCAL_DIR: join(uploads, 'images'),
      STORAGE_MAX_IMAGE_BYTES: MAX_IMAGE_BYTES,
    });
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, status, is_media) VALUES
       (?, '13911111111', 'me', 1, 0), (?, '13922222222', 'taken', 1, 0)`,
      [ME, OTHER],
    );
    await stack.sql(`INSERT INTO user_profile (user_id, gender) VALUES (?, 1)`, [ME]);
    await stack.state.zadd('count:user:followers', 7, ME);
    await stack.state.zadd('count:user:arts:reading', 123, ME);
    auth = { authorization: `Bearer ${await stack.signIn(ME)}` };
  });

  afterAll(async () => {
    await stack?.close();
    rmSync(uploads, { recursive: true, force: true });
  });

  it('answers 401 on every endpoint without a token and changes nothing', async () => {
    const before = await basicRow();
    const responses = [
      await request('GET', '/app/v1_0/user', { signedIn: false }),
      await request('GET', '/app/v1_0/user/profile', { signedIn: false }),
      await patchProfile({ name: 'intruder' }, false),
      await patchPhotos(
        [{ field: 'photo', filename: 'a.png', content: IMAGE_FIXTURES.png }],
        false,
      ),
      await request('GET', '/app/v1_0/user/figure', { signedIn: false }),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(UNAUTHORIZED);
    }
    expect(await basicRow()).toEqual(before);
    expect(readdirSync(join(uploads, 'images'))).toEqual([DEFAULT_PHOTO_KEY]);
  });

  it('refuses PATCH /user/profile without a valid access token before reading its body, which may hold four images', async () => {
    const gateway = await stack.startGateway();
    const port = await freePort();
    await gateway.listen(port, '127.0.0.1');
    const head = (authorization: string) =>
      `PATCH /app/v1_0/user/profile HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: 80000\r\n${authorization}\r\n`;
    const withoutToken = await replyToHeadOnly(port, head(''), 2000);
    expect(withoutToken.split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
    expect(withoutToken).toContain(JSON.stringify(UNAUTHORIZED));
    const forged = await replyToHeadOnly(port, head('Authorization: Bearer not.a.token\r\n'), 2000);
    expect(forged.split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
    expect(forged).toContain(JSON.stringify(UNAUTHORIZED));
  });

  it('GET /user answers the own UserInfo, without relation flags', async () => {
    const response = await request('GET', '/app/v1_0/user');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`"id":"${ME}"`);
    expect(response.json()).toEqual({
      message: 'OK',
      data: {
        id: ME,
        name: 'me',
        photo: `${PUBLIC_URL}Fkj6tQi3xJwVXi1u2swCElotfdCi`,
        is_media: false,
        intro: '',
        certi: '',
        art_count: 0,
        follow_count: 0,
        fans_count: 7,
        like_count: 0,
      },
    });
  });

  it('GET /user/profile answers id, name, photo URL, mobile, gender and an empty unset birthday', async () => {
    const response = await request('GET', '/app/v1_0/user/profile');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      message: 'OK',
      data: {
        id: ME,
        name: 'me',
        photo: `${PUBLIC_URL}Fkj6tQi3xJwVXi1u2swCElotfdCi`,
        mobile: '13911111111',
        gender: 1,
        birthday: '',
      },
    });
  });

  it('GET /user/figure answers followers and the real total reads of the user articles', async () => {
    const response = await request('GET', '/app/v1_0/user/figure');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ message: 'OK', data: { fans_count: 7, read_count: 123 } });
  });

  it('PATCH /user/profile saves only the sent fields, gender 0 included, and answers them', async () => {
    const response = await patchProfile({
      gender: 0,
      birthday: '1990-05-17',
      intro: '写代码的人',
      real_name: '张三',
      id_number: '11010519491231002x',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      message: 'OK',
      data: {
        id: ME,
        gender: 0,
        birthday: '1990-05-17',
        intro: '写代码的人',
        real_name: '张三',
        id_number: '11010519491231002X',
      },
    });
    expect(await profileRow()).toMatchObject({
      gender: 0,
      birthday: '1990-05-17',
      real_name: '张三',
      id_number: '11010519491231002X',
    });
    expect(await basicRow()).toMatchObject({ user_name: 'me', introduction: '写代码的人' });

    const profile = await request('GET', '/app/v1_0/user/profile');
    expect(profile.json<{ data: object }>().data).toMatchObject({
      gender: 0,
      birthday: '1990-05-17',
      name: 'me',
    });
  });

  it('leaves the fields that were not sent as they are', async () => {
    expect((await patchProfile({ gender: 1 })).json()).toEqual({
      message: 'OK',
      data: { id: ME, gender: 1 },
    });
    expect((await patchProfile({ intro: 'again' })).statusCode).toBe(201);
    expect(await profileRow()).toMatchObject({
      gender: 1,
      birthday: '1990-05-17',
      real_name: '张三',
      id_number: '11010519491231002X',
    });
    expect(await basicRow()).toMatchObject({
      user_name: 'me',
      introduction: 'again',
      profile_photo: null,
    });
    expect((await patchProfile({ gender: '0' })).json()).toEqual({
      message: 'OK',
      data: { id: ME, gender: 0 },
    });
    expect(await profileRow()).toMatchObject({ gender: 0 });
  });

  it('deletes the profile caches on a write, so GET, PATCH, GET shows the change', async () => {
    expect(
      (await request('GET', '/app/v1_0/user/profile')).json<{ data: { name: string } }>().data.name,
    ).toBe('me');
    expect(await cacheHas(`user:${ME}:profile`)).toBe(true);
    expect(await cacheHas(`user:${ME}:profilex`)).toBe(true);

    const renamed = await patchProfile({ name: '新名字' });
    expect(renamed.statusCode).toBe(201);
    expect(renamed.json()).toEqual({ message: 'OK', data: { id: ME, name: '新名字' } });
    expect(await cacheHas(`user:${ME}:profile`)).toBe(false);
    expect(await cacheHas(`user:${ME}:profilex`)).toBe(false);

    expect(
      (await request('GET', '/app/v1_0/user/profile')).json<{ data: { name: string } }>().data.name,
    ).toBe('新名字');
    expect(
      (await request('GET', '/app/v1_0/user')).json<{ data: { name: string } }>().data.name,
    ).toBe('新名字');
    expect(
      (await request('GET', `/app/v1_0/users/${ME}`)).json<{ data: { name: string } }>().data.name,
    ).toBe('新名字');
    expect(await cacheHas(`user:${ME}:profile`)).toBe(true);
  });

  it('ignores privileged fields in the body: is_media, status, certi, counters, id, mobile', async () => {
    const before = await basicRow();
    const response = await patchProfile({
      intro: 'only this',
      is_media: true,
      status: 0,
      certi: 'fake certificate',
      art_count: 1000,
      fans_count: 1000,
      id: OTHER,
      user_id: OTHER,
      mobile: '13800000000',
      email: 'x@example.com',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ message: 'OK', data: { id: ME, intro: 'only this' } });
    expect(await basicRow()).toEqual({ ...before, introduction: 'only this' });
    expect(
      await row('SELECT user_name, introduction FROM user_basic WHERE user_id = ?', [OTHER]),
    ).toEqual({
      user_name: 'taken',
      introduction: null,
    });
    const self = await request('GET', '/app/v1_0/user');
    expect(self.json<{ data: object }>().data).toMatchObject({
      id: ME,
      is_media: false,
      certi: '',
      fans_count: 7,
      art_count: 0,
    });
  });

  it('answers 409 User name has existed. for a taken name and keeps the old one', async () => {
    const response = await patchProfile({ name: 'taken', intro: 'not saved either' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({ message: 'User name has existed.' });
    expect(await basicRow()).toMatchObject({ user_name: '新名字', introduction: 'only this' });
  });

  it('takes a name without the white space around it: a taken one written with spaces is still taken', async () => {
    for (const name of [' taken', '\u3000taken ']) {
      const response = await patchProfile({ name });
      expect({ name, status: response.statusCode, body: response.json<unknown>() }).toEqual({
        name,
        status: 409,
        body: { message: 'User name has existed.' },
      });
    }
    const own = await patchProfile({ name: ' 新名字 ' });
    expect(own.statusCode).toBe(201);
    expect(own.json()).toEqual({ message: 'OK', data: { id: ME, name: '新名字' } });
    expect(await basicRow()).toMatchObject({ user_name: '新名字' });

    // A name stored with a space before this rule, sent back as loaded, is still no change.
    await stack.sql("UPDATE user_basic SET user_name = ' taken' WHERE user_id = ?", [ME]);
    try {
      const unchanged = await patchProfile({ name: ' taken', intro: 'only this' });
      expect(unchanged.statusCode).toBe(201);
      expect(await basicRow()).toMatchObject({ user_name: ' taken' });
    } finally {
      await stack.sql("UPDATE user_basic SET user_name = '新名字' WHERE user_id = ?", [ME]);
    }
  });

  it('answers 400 keyed by field for invalid values and changes nothing', async () => {
    const before = [await basicRow(), await profileRow()];
    const cases: [object, string][] = [
      [{ name: '12345678' }, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'two\nlines' }, 'name'],
      [{ name: 'ab\u2028cd' }, 'name'],
      [{ name: 'a\u2029b' }, 'name'],
      [{ intro: 'x'.repeat(61) }, 'intro'],
      [{ gender: 2 }, 'gender'],
      [{ gender: 'male' }, 'gender'],
      [{ birthday: '1990-02-30' }, 'birthday'],
      [{ birthday: '17/05/1990' }, 'birthday'],
      [{ birthday: '2999-01-01' }, 'birthday'],
      [{ real_name: '一二三四五六七八' }, 'real_name'],
      [{ real_name: '张\u2028三' }, 'real_name'],
      [{ id_number: '12345' }, 'id_number'],
      [{ photo: 12345 }, 'photo'],
    ];
    for (const [payload, field] of cases) {
      const response = await patchProfile({
        ...payload,
        intro: field === 'intro' ? 'x'.repeat(61) : 'must not be saved',
      });
      expect(response.statusCode).toBe(400);
      const message = response.json<{ message: Record<string, string> }>().message;
      expect(Object.keys(message)).toEqual([field]);
      expect(typeof message[field]).toBe('string');
    }
    expect([await basicRow(), await profileRow()]).toEqual(before);
  });

  it('refuses an intro with a line break 400 saying it must be a single line, storing nothing', async () => {
    const before = await basicRow();
    const response = await patchProfile({ intro: 'two\nlines' });
    expect([response.statusCode, response.json()]).toEqual([
      400,
      { message: { intro: 'Intro must be a single line.' } },
    ]);
    expect(await basicRow()).toEqual(before);
  });

  it('refuses a name or real name with an invisible character inside, a lookalike of a taken one, 400 keyed by field, storing nothing', async () => {
    const files = () => readdirSync(join(uploads, 'images')).sort();
    const before = { files: files(), rows: [await basicRow(), await profileRow()] };
    /** An image stored nowhere yet. */
    const photo = () => Buffer.concat([IMAGE_FIXTURES.png, randomBytes(16)]).toString('base64');
    const invisibleName = { message: { name: 'Name must not contain invisible characters.' } };
    const cases: [object, unknown][] = [
      [{ name: 't\u00adaken' }, invisibleName],
      [{ name: 'ta\u2066ken' }, invisibleName],
      [{ name: 'ta\u200bken' }, invisibleName],
      [{ name: 'tak\u2060en' }, invisibleName],
      [{ name: 'ta\u202eken' }, invisibleName],
      [
        { real_name: '张\u200b三' },
        { message: { real_name: 'Real name must not contain invisible characters.' } },
      ],
    ];
    for (const [payload, body] of cases) {
      const response = await patchProfile({
        ...payload,
        intro: 'must not be saved',
        photo: photo(),
      });
      expect([payload, response.statusCode, response.json<unknown>()]).toEqual([
        payload,
        400,
        body,
      ]);
    }
    expect(files()).toEqual(before.files);
    expect([await basicRow(), await profileRow()]).toEqual(before.rows);
  });

  it('takes back a name stored with an invisible character inside before the rule as no change', async () => {
    const { user_name: old } = await basicRow();
    // Persian writes some names with a zero-width non-joiner.
    const stored = 'علی\u200cرضا';
    await stack.sql('UPDATE user_basic SET user_name = ? WHERE user_id = ?', [stored, ME]);
    try {
      const unchanged = await patchProfile({ name: stored, intro: 'kept name' });
      expect([unchanged.statusCode, unchanged.json<unknown>()]).toEqual([
        201,
        { message: 'OK', data: { id: ME, name: stored, intro: 'kept name' } },
      ]);
      expect(await basicRow()).toMatchObject({ user_name: stored, introduction: 'kept name' });
    } finally {
      await stack.sql('UPDATE user_basic SET user_name = ? WHERE user_id = ?', [old, ME]);
    }
  });

  it('saves a name of emoji, whose joiners and selectors are part of them', async () => {
    const { user_name: old } = await basicRow();
    for (const name of ['👨\u200d👩\u200d👧', '新❤\ufe0f']) {
      const response = await patchProfile({ name });
      expect([response.statusCode, response.json<unknown>()]).toEqual([
        201,
        { message: 'OK', data: { id: ME, name } },
      ]);
      expect(await basicRow()).toMatchObject({ user_name: name });
    }
    expect((await patchProfile({ name: old })).statusCode).toBe(201);
  });

  it('takes a name that differs from a taken one only in an emoji or a rare Chinese character beyond the BMP, and refuses the taken one', async () => {
    const { user_name: old } = await basicRow();
    try {
      for (const [taken, free] of [
        ['小明😀', '小明🐱'],
        ['👍', '👍🏻'],
        ['𠮷田', '𠀀田'],
      ]) {
        await stack.sql('UPDATE user_basic SET user_name = ? WHERE user_id = ?', [taken, OTHER]);
        const refused = await patchProfile({ name: taken });
        const saved = await patchProfile({ name: free });
        expect({
          taken: [refused.statusCode, refused.json<unknown>()],
          free: [saved.statusCode, saved.json<unknown>()],
        }).toEqual({
          taken: [409, { message: 'User name has existed.' }],
          free: [201, { message: 'OK', data: { id: ME, name: free } }],
        });
        expect(await basicRow()).toMatchObject({ user_name: free });
      }
    } finally {
      await stack.sql("UPDATE user_basic SET user_name = 'taken' WHERE user_id = ?", [OTHER]);
      await patchProfile({ name: old });
    }
  });

  it('takes back the whole loaded profile as the client profile page saves it: the empty birthday GET answers for an unset one is no change', async () => {
    const fresh = '1294287382374383622';
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, status, is_media) VALUES (?, '13933333333', 'fresh', 1, 0)`,
      [fresh],
    );
    await stack.sql(`INSERT INTO user_profile (user_id, gender) VALUES (?, 0)`, [fresh]);
    const headers = { authorization: `Bearer ${await stack.signIn(fresh)}` };
    const freshRows = () =>
      row(
        `SELECT b.user_name, b.introduction, p.gender, p.birthday FROM user_basic b
         JOIN user_profile p ON p.user_id = b.user_id WHERE b.user_id = ?`,
        [fresh],
      );
    const read = async (url: string) =>
      (await stack.gateway.inject({ method: 'GET', url, headers })).json<{
        data: Record<string, unknown>;
      }>().data;

    // views/profile: `Object.assign(profile, self)`, then `updateUserProfile({ name, gender, birthday, intro })`.
    const user = {
      ...(await read('/app/v1_0/user/profile')),
      ...(await read('/app/v1_0/user')),
    };
    expect(user).toMatchObject({ name: 'fresh', gender: 0, birthday: '', intro: '' });
    const { name, gender, birthday, intro } = user;
    const saved = await stack.gateway.inject({
      method: 'PATCH',
      url: '/app/v1_0/user/profile',
      payload: { name, gender, birthday, intro },
      headers,
    });
    expect(saved.statusCode).toBe(201);
    expect(saved.json()).toEqual({
      message: 'OK',
      data: { id: fresh, name: 'fresh', gender: 0, intro: '' },
    });
    expect(await freshRows()).toEqual({
      user_name: 'fresh',
      introduction: '',
      gender: 0,
      birthday: null,
    });

    const blank = await stack.gateway.inject({
      method: 'PATCH',
      url: '/app/v1_0/user/profile',
      payload: { birthday: ' ', intro: 'not saved' },
      headers,
    });
    expect(blank.statusCode).toBe(400);
    expect(blank.json()).toEqual({ message: { birthday: 'Invalid date param.' } });
    expect((await freshRows()).introduction).toBe('');
  });

  it('takes back the whole loaded profile of a new user, whose name is still their mobile: the unchanged name is no change, a changed one keeps 1 to 7', async () => {
    const mobile = '13944444444';
    const codeRequest = await stack.gateway.inject({
      method: 'GET',
      url: `/app/v1_0/sms/codes/${mobile}`,
    });
    expect(codeRequest.statusCode).toBe(200);
    const code = await stack.state.hget(`app:code:${mobile}`, 'code');
    const login = await stack.gateway.inject({
      method: 'POST',
      url: '/app/v1_0/authorizations',
      payload: { mobile, code },
    });
    expect(login.statusCode).toBe(201);
    const { token } = login.json<{ data: { token: string } }>().data;
    const headers = { authorization: `Bearer ${token}` };
    const newUserRows = () =>
      row(
        `SELECT b.user_name, b.introduction, p.gender, p.birthday FROM user_basic b
         JOIN user_profile p ON p.user_id = b.user_id WHERE b.mobile = ?`,
        [mobile],
      );
    const read = async (url: string) =>
      (await stack.gateway.inject({ method: 'GET', url, headers })).json<{
        data: Record<string, unknown>;
      }>().data;
    const save = (payload: object) =>
      stack.gateway.inject({ method: 'PATCH', url: '/app/v1_0/user/profile', payload, headers });

    // views/profile: `Object.assign(profile, self)`; the intro popup sets `user.intro` and saves
    // `{ name, gender, birthday, intro }`.
    const user = {
      ...(await read('/app/v1_0/user/profile')),
      ...(await read('/app/v1_0/user')),
    };
    expect(user).toMatchObject({ name: mobile, gender: 0, birthday: '', intro: '' });
    const { id, name, gender, birthday } = user;
    const saved = await save({ name, gender, birthday, intro: '刚来的新人' });
    expect(saved.statusCode).toBe(201);
    expect(saved.json()).toEqual({
      message: 'OK',
      data: { id, name: mobile, gender: 0, intro: '刚来的新人' },
    });
    expect(await newUserRows()).toEqual({
      user_name: mobile,
      introduction: '刚来的新人',
      gender: 0,
      birthday: null,
    });

    // A name that is a change still has to be 1 to 7 characters, and then nothing else is saved.
    const renamed = await save({ name: '13955555555', gender: 1, birthday, intro: 'not saved' });
    expect(renamed.statusCode).toBe(400);
    expect(renamed.json()).toEqual({ message: { name: 'Name must be 1 to 7 characters.' } });
    const blank = await save({ name: '', gender: 1, birthday, intro: 'not saved' });
    expect(blank.json()).toEqual({ message: { name: 'Name must be 1 to 7 characters.' } });
    expect(await newUserRows()).toMatchObject({
      user_name: mobile,
      introduction: '刚来的新人',
      gender: 0,
    });

    const picked = await save({ name: '新来的', gender: 1, birthday, intro: '刚来的新人' });
    expect(picked.statusCode).toBe(201);
    expect(await newUserRows()).toMatchObject({ user_name: '新来的', gender: 1 });
    expect((await read('/app/v1_0/user/profile')).name).toBe('新来的');
  });

  it('stores a base64 photo under its content hash and serves the same bytes at /static/<key>', async () => {
    const key = keyOf(IMAGE_FIXTURES.png, 'png');
    const response = await patchProfile({
      photo: `data:image/png;base64,${IMAGE_FIXTURES.png.toString('base64')}`,
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      message: 'OK',
      data: { id: ME, photo: `${PUBLIC_URL}${key}` },
    });
    expect(await basicRow()).toMatchObject({ profile_photo: key });
    expect(readFileSync(join(uploads, 'images', key)).equals(IMAGE_FIXTURES.png)).toBe(true);

    const served = await stack.gateway.inject({ method: 'GET', url: `/static/${key}` });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.rawPayload.equals(IMAGE_FIXTURES.png)).toBe(true);

    const profile = await request('GET', '/app/v1_0/user/profile');
    expect(profile.json<{ data: { photo: string } }>().data.photo).toBe(`${PUBLIC_URL}${key}`);
  });

  it('refuses base64 that is not an image, or too large, with 400 keyed by field', async () => {
    const notImage = await patchProfile({ photo: IMAGE_FIXTURES.text.toString('base64') });
    expect(notImage.statusCode).toBe(400);
    expect(notImage.json()).toEqual({ message: { photo: 'Invalid image.' } });

    const notBase64 = await patchProfile({ id_card_front: 'this is not base64!' });
    expect(notBase64.statusCode).toBe(400);
    expect(notBase64.json()).toEqual({ message: { id_card_front: 'Invalid image.' } });

    const big = Buffer.concat([IMAGE_FIXTURES.png, Buffer.alloc(MAX_IMAGE_BYTES)]);
    const tooLarge = await patchProfile({ id_card_back: big.toString('base64') });
    expect(tooLarge.statusCode).toBe(400);
    expect(tooLarge.json()).toEqual({
      message: { id_card_back: `Image is too large (at most ${MAX_IMAGE_BYTES} bytes).` },
    });

    const hugeBody = await patchProfile({ name: 'x'.repeat(1_000_000) });
    expect(hugeBody.statusCode).toBe(413);
    expect(typeof hugeBody.json<{ message: unknown }>().message).toBe('string');
    expect(await profileRow()).toMatchObject({ id_card_front: null, id_card_back: null });
  });

  it('PATCH /user/photo stores multipart images and answers their URLs; the same image gets the same key', async () => {
    const photoKey = keyOf(IMAGE_FIXTURES.png, 'png');
    const frontKey = keyOf(IMAGE_FIXTURES.gif, 'gif');
    const response = await patchPhotos([
      { field: 'photo', filename: 'me.png', contentType: 'image/png', content: IMAGE_FIXTURES.png },
      {
        field: 'id_card_front',
        filename: 'front.gif',
        contentType: 'image/gif',
        content: IMAGE_FIXTURES.gif,
      },
      { field: 'note', content: 'a text field is ignored' },
      { field: 'unknown_file', filename: 'x.webp', content: IMAGE_FIXTURES.webp },
    ]);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      message: 'OK',
      data: {
        id: ME,
        photo: `${PUBLIC_URL}${photoKey}`,
        id_card_front: `${PUBLIC_URL}${frontKey}`,
      },
    });
    expect(await basicRow()).toMatchObject({ profile_photo: photoKey });
    expect(await profileRow()).toMatchObject({ id_card_front: frontKey, id_card_back: null });
    // The photo was uploaded as base64 before: one file, and the unknown part was not stored.
    expect(readdirSync(join(uploads, 'images')).sort()).toEqual(
      [DEFAULT_PHOTO_KEY, photoKey, frontKey].sort(),
    );

    const served = await stack.gateway.inject({ method: 'GET', url: `/static/${frontKey}` });
    expect(served.rawPayload.equals(IMAGE_FIXTURES.gif)).toBe(true);

    const webp = await patchPhotos([
      { field: 'id_card_handheld', filename: 'h.webp', content: IMAGE_FIXTURES.webp },
    ]);
    expect(webp.json()).toEqual({
      message: 'OK',
      data: { id: ME, id_card_handheld: `${PUBLIC_URL}${keyOf(IMAGE_FIXTURES.webp, 'webp')}` },
    });
  });

  it('PATCH /user/photo refuses non-images and oversized files with 400 keyed by field', async () => {
    const before = [await basicRow(), await profileRow()];
    const notImage = await patchPhotos([
      {
        field: 'photo',
        filename: 'evil.png',
        contentType: 'image/png',
        content: IMAGE_FIXTURES.text,
      },
    ]);
    expect(notImage.statusCode).toBe(400);
    expect(notImage.json()).toEqual({ message: { photo: 'Invalid image.' } });

    const big = Buffer.concat([IMAGE_FIXTURES.jpg, Buffer.alloc(MAX_IMAGE_BYTES)]);
    const tooLarge = await patchPhotos([
      { field: 'id_card_back', filename: 'big.jpg', contentType: 'image/jpeg', content: big },
    ]);
    expect(tooLarge.statusCode).toBe(400);
    expect(tooLarge.json()).toEqual({
      message: { id_card_back: `Image is too large (at most ${MAX_IMAGE_BYTES} bytes).` },
    });
    expect([await basicRow(), await profileRow()]).toEqual(before);
  });

  it('refuses with 400 keyed by field a file whose magic bytes name an image its header does not hold, multipart or base64, changing nothing', async () => {
    const files = () => readdirSync(join(uploads, 'images')).sort();
    const before = { files: files(), rows: [await basicRow(), await profileRow()] };
    const answers = [
      await patchPhotos([
        { field: 'photo', filename: 'a.png', content: BROKEN_IMAGE_FIXTURES.pngMagicOnly },
      ]),
      await patchPhotos([
        { field: 'id_card_front', filename: 'f.jpg', content: BROKEN_IMAGE_FIXTURES.jpgTruncated },
      ]),
      await patchPhotos([
        { field: 'id_card_back', filename: 'b.png', content: BROKEN_IMAGE_FIXTURES.pngTruncated },
      ]),
      await patchProfile({ photo: BROKEN_IMAGE_FIXTURES.jpgMagicOnly.toString('base64') }),
      await patchProfile({
        id_card_handheld: BROKEN_IMAGE_FIXTURES.jpgTruncatedFrame.toString('base64'),
      }),
    ];
    expect(answers.map((answer) => [answer.statusCode, answer.json<unknown>()])).toEqual([
      [400, { message: { photo: 'Invalid image.' } }],
      [400, { message: { id_card_front: 'Invalid image.' } }],
      [400, { message: { id_card_back: 'Invalid image.' } }],
      [400, { message: { photo: 'Invalid image.' } }],
      [400, { message: { id_card_handheld: 'Invalid image.' } }],
    ]);
    expect(files()).toEqual(before.files);
    expect([await basicRow(), await profileRow()]).toEqual(before.rows);

    const jpg = await patchPhotos([
      { field: 'id_card_back', filename: 'b.jpg', content: IMAGE_FIXTURES.jpg },
    ]);
    expect(jpg.json()).toEqual({
      message: 'OK',
      data: { id: ME, id_card_back: `${PUBLIC_URL}${keyOf(IMAGE_FIXTURES.jpg, 'jpg')}` },
    });
  });

  it('refuses with 400 keyed by field an image cut short after its header, multipart or base64, changing nothing', async () => {
    const files = () => readdirSync(join(uploads, 'images')).sort();
    const before = { files: files(), rows: [await basicRow(), await profileRow()] };
    const answers = [
      await patchPhotos([
        { field: 'photo', filename: 'a.jpg', content: TRUNCATED_IMAGE_FIXTURES.jpgNoEoi },
      ]),
      await patchPhotos([
        { field: 'id_card_front', filename: 'f.png', content: TRUNCATED_IMAGE_FIXTURES.pngNoIend },
      ]),
      await patchPhotos([
        {
          field: 'id_card_back',
          filename: 'b.gif',
          content: TRUNCATED_IMAGE_FIXTURES.gifNoTrailer,
        },
      ]),
      await patchPhotos([
        {
          field: 'id_card_handheld',
          filename: 'h.webp',
          content: TRUNCATED_IMAGE_FIXTURES.webpShort,
        },
      ]),
      await patchProfile({ photo: TRUNCATED_IMAGE_FIXTURES.pngInIdat.toString('base64') }),
    ];
    expect(answers.map((answer) => [answer.statusCode, answer.json<unknown>()])).toEqual([
      [400, { message: { photo: 'Invalid image.' } }],
      [400, { message: { id_card_front: 'Invalid image.' } }],
      [400, { message: { id_card_back: 'Invalid image.' } }],
      [400, { message: { id_card_handheld: 'Invalid image.' } }],
      [400, { message: { photo: 'Invalid image.' } }],
    ]);
    expect(files()).toEqual(before.files);
    expect([await basicRow(), await profileRow()]).toEqual(before.rows);
  });

  it('PATCH /user/photo answers 400 to a multipart body it cannot read and changes nothing', async () => {
    const before = [await basicRow(), await profileRow()];
    const whole = multipart([
      { field: 'photo', filename: 'a.png', contentType: 'image/png', content: IMAGE_FIXTURES.png },
    ]);
    for (const [contentType, payload] of unreadableMultipartBodies(whole)) {
      const reply = await request('PATCH', '/app/v1_0/user/photo', {
        payload,
        headers: { 'content-type': contentType },
      });
      expect([reply.statusCode, reply.json()]).toEqual([
        400,
        { message: 'Malformed multipart body.' },
      ]);
    }
    expect([await basicRow(), await profileRow()]).toEqual(before);
  });

  it('stores no image when the save is refused: a changed name the user service refuses or one taken, a bad second image, a user it does not know', async () => {
    const files = () => readdirSync(join(uploads, 'images')).sort();
    const before = { files: files(), rows: [await basicRow(), await profileRow()] };
    /** An image stored nowhere yet. */
    const newImage = () => Buffer.concat([IMAGE_FIXTURES.png, randomBytes(16)]);
    const unknownUsersPhoto = multipart([
      { field: 'photo', filename: 'a.png', content: newImage() },
    ]);
    const answers = [
      await patchProfile({ name: '八个字的名字太长', photo: newImage().toString('base64') }),
      await patchProfile({ name: 'taken', photo: newImage().toString('base64') }),
      await patchProfile({
        photo: newImage().toString('base64'),
        id_card_front: IMAGE_FIXTURES.text.toString('base64'),
      }),
      // A token of a user the user service does not know (an account removed since, say).
      await request('PATCH', '/app/v1_0/user/photo', {
        payload: unknownUsersPhoto.payload,
        headers: {
          ...unknownUsersPhoto.headers,
          authorization: `Bearer ${await stack.signIn('1294287382374383629')}`,
        },
        signedIn: false,
      }),
    ];
    expect(answers.map((answer) => [answer.statusCode, answer.json<unknown>()])).toEqual([
      [400, { message: { name: 'Name must be 1 to 7 characters.' } }],
      [409, { message: 'User name has existed.' }],
      [400, { message: { id_card_front: 'Invalid image.' } }],
      [404, { message: 'User does not exist.' }],
    ]);
    expect(files()).toEqual(before.files);
    expect([await basicRow(), await profileRow()]).toEqual(before.rows);
  });

  it('serves the default photo a user without one is shown as a whole PNG image', async () => {
    const other = await stack.gateway.inject({ method: 'GET', url: `/app/v1_0/users/${OTHER}` });
    const photo = other.json<{ data: { photo: string } }>().data.photo;
    expect(photo).toBe(`${PUBLIC_URL}${DEFAULT_PHOTO_KEY}`);

    const served = await stack.gateway.inject({
      method: 'GET',
      url: `/static/${photo.slice(PUBLIC_URL.length)}`,
    });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    const png = served.rawPayload;
    expect(png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    const chunks: Array<{ type: string; data: Buffer }> = [];
    for (let offset = 8; offset < png.length;) {
      const length = png.readUInt32BE(offset);
      const typed = png.subarray(offset + 4, offset + 8 + length);
      expect(png.readUInt32BE(offset + 8 + length)).toBe(crc32(typed));
      chunks.push({ type: typed.subarray(0, 4).toString('latin1'), data: typed.subarray(4) });
      offset += 12 + length;
    }
    expect(chunks.map((chunk) => chunk.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const header = chunks[0].data;
    const [width, height] = [header.readUInt32BE(0), header.readUInt32BE(4)];
    expect(width).toBe(height);
    expect(width).toBeGreaterThanOrEqual(48);
    expect([header[8], header[9]]).toEqual([8, 2]); // 8-bit truecolour
    expect(inflateSync(chunks[1].data).length).toBe(height * (1 + width * 3));
  });

  it('serves only stored keys under /static/', async () => {
    expect(
      (await stack.gateway.inject({ method: 'GET', url: `/static/${'0'.repeat(64)}.png` }))
        .statusCode,
    ).toBe(404);
    expect(
      (await stack.gateway.inject({ method: 'GET', url: '/static/../package.json' })).statusCode,
    ).toBe(404);
    expect((await stack.gateway.inject({ method: 'GET', url: '/static/' })).statusCode).toBe(404);
  });
});
