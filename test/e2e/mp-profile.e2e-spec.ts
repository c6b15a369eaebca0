import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CounterKeys } from '@app/cache';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import {
  IMAGE_FIXTURES,
  TRUNCATED_IMAGE_FIXTURES,
} from '../../libs/storage/src/image-fixtures.stub';
import { type ArticleStack, startArticleStack } from './support/article-stack';
import { unreadableMultipartBodies } from './support/unreadable-multipart';

const AUTHOR = '1294287382374383800';
const LONELY = '1294287382374383801';
const TAKEN_NAME = 'taken';
const PUBLIC_URL = 'http://img.test/static/';
const DEFAULT_PHOTO = `${PUBLIC_URL}Fkj6tQi3xJwVXi1u2swCElotfdCi`;
const TIME_ZONE = 'Asia/Shanghai';
const VERIFIED_ONLY = { message: 'User must be real info verified.' };

type Bucket = 'le18' | 'le23' | 'le30' | 'le40' | 'le50' | 'gt50';

/** A seeded follower: gender, age in years (null = no birthday), and whether the birthday is tomorrow. */
interface FollowerSeed {
  gender: 0 | 1;
  age: number | null;
  birthdayTomorrow?: boolean;
  photo?: string;
}

const FOLLOWERS: FollowerSeed[] = [
  { gender: 0, age: 10 },
  { gender: 1, age: 18 },
  // Turns 19 tomorrow: still 18 today.
  { gender: 0, age: 19, birthdayTomorrow: true },
  { gender: 1, age: 19 },
  { gender: 1, age: 23 },
  { gender: 0, age: 24, photo: 'follower-photo-key' },
  { gender: 0, age: 30 },
  { gender: 1, age: 31 },
  { gender: 1, age: 40 },
  { gender: 0, age: 45 },
  { gender: 1, age: 50 },
  { gender: 0, age: 51 },
  { gender: 1, age: 77 },
  { gender: 1, age: null },
];

const followerId = (index: number): string => String(1294287382374383900n + BigInt(index));

function todayParts(): [number, number, number] {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
    .format(new Date())
    .split('-')
    .map(Number);
  return [year, month, day];
}

function birthdayOf(seed: FollowerSeed): string | null {
  if (seed.age === null) return null;
  const [year, month, day] = todayParts();
  const date = new Date(
    Date.UTC(year - seed.age, month - 1, day + (seed.birthdayTomorrow ? 1 : 0)),
  );
  return date.toISOString().slice(0, 10);
}

/** Whole years lived on today's date, computed independently of the service's SQL. */
function ageOf(birthday: string): number {
  const [year, month, day] = todayParts();
  const [bYear, bMonth, bDay] = birthday.split('-').map(Number);
  const hadBirthday = month > bMonth || (month === bMonth && day >= bDay);
  return year - bYear - (hadBirthday ? 0 : 1);
}

function bucketOf(age: number): Bucket {
  if (age <= 18) return 'le18';
  if (age <= 23) return 'le23';
  if (age <= 30) return 'le30';
  if (age <= 40) return 'le40';
  if (age <= 50) return 'le50';
  return 'gt50';
}

function expectedStatistics() {
  const age: Record<Bucket, number> = { le18: 0, le23: 0, le30: 0, le40: 0, le50: 0, gt50: 0 };
  const gender = { male: 0, female: 0 };
  for (const seed of FOLLOWERS) {
    if (seed.gender === 0) gender.male += 1;
    else gender.female += 1;
    const birthday = birthdayOf(seed);
    if (birthday) age[bucketOf(ageOf(birthday))] += 1;
  }
  return { gender, age };
}

function multipart(
  field: string,
  content: Buffer,
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----mp${randomBytes(8).toString('hex')}`;
  return {
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="upload.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describe('media platform profile, followers and follower statistics (mp -> user over gRPC)', () => {
  const uploads = mkdtempSync(join(tmpdir(), 'tt-mp-profile-'));
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let auth: Record<string, string>;
  let lonelyAuth: Record<string, string>;
  let appToken: Record<string, string>;

  const get = (url: string, headers: Record<string, string> = auth) =>
    mp.inject({ method: 'GET', url, headers });
  const patchProfile = (payload: object) =>
    mp.inject({ method: 'PATCH', url: '/mp/v1_0/user/profile', payload, headers: auth });
  const patchPhoto = (field: string, content: Buffer, headers: Record<string, string> = auth) => {
    const body = multipart(field, content);
    return mp.inject({
      method: 'PATCH',
      url: '/mp/v1_0/user/photo',
      payload: body.payload,
      headers: { ...headers, ...body.headers },
    });
  };
  const authorRow = async () =>
    (
      (await stack.sql(
        'SELECT user_name, introduction, email, profile_photo, mobile, is_media, status FROM user_basic WHERE user_id = ?',
        [AUTHOR],
      )) as Array<Record<string, unknown>>
    )[0];

  beforeAll(async () => {
    stack = await startArticleStack({
      STORAGE_PUBLIC_URL: PUBLIC_URL,
      STORAGE_LOCAL_DIR: join(uploads, 'images'),
      TZ: TIME_ZONE,
    });
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, status, is_media, is_verified, introduction, email) VALUES
       (?, '13911112001', 'author', 1, 1, 1, 'old intro', 'old@mail.cn'),
       (?, '13911112002', ?, 1, 1, 1, NULL, NULL)`,
      [AUTHOR, LONELY, TAKEN_NAME],
    );
    await stack.sql('INSERT INTO user_profile (user_id, gender) VALUES (?, 0), (?, 1)', [
      AUTHOR,
      LONELY,
    ]);
    for (const [index, seed] of FOLLOWERS.entries()) {
      const id = followerId(index);
      await stack.sql(
        `INSERT INTO user_basic (user_id, mobile, user_name, status, is_media, is_verified, profile_photo)
         VALUES (?, ?, ?, 1, 0, 0, ?)`,
        [id, `1380000${String(index).padStart(4, '0')}`, `fan${index}`, seed.photo ?? null],
      );
      await stack.sql('INSERT INTO user_profile (user_id, gender, birthday) VALUES (?, ?, ?)', [
        id,
        seed.gender,
        birthdayOf(seed),
      ]);
      // Follows made one minute apart: the last seeded is the newest.
      await stack.sql(
        `INSERT INTO user_relation (user_id, target_user_id, relation, create_time, update_time)
         VALUES (?, ?, 1, '2024-05-01 00:00:00', '2024-05-01 00:00:00' + INTERVAL ? MINUTE)`,
        [id, AUTHOR, index],
      );
    }
    // Neither a cancelled follow nor a blacklist counts; a follow of someone else neither.
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, status, is_media, is_verified) VALUES
       ('1294287382374383990', '13800009990', 'gone', 1, 0, 0), ('1294287382374383991', '13800009991', 'blocked', 1, 0, 0)`,
    );
    await stack.sql(
      `INSERT INTO user_profile (user_id, gender, birthday) VALUES
       ('1294287382374383990', 1, '1990-01-01'), ('1294287382374383991', 0, '1960-01-01')`,
    );
    await stack.sql(
      `INSERT INTO user_relation (user_id, target_user_id, relation) VALUES
       ('1294287382374383990', ?, 0), ('1294287382374383991', ?, 2), ('1294287382374383991', ?, 1)`,
      [AUTHOR, AUTHOR, LONELY],
    );
    // Live follow counts are Redis counters (the repair job fills them from MySQL); seed them too.
    await stack.state.zadd(CounterKeys.userFollowers, FOLLOWERS.length, AUTHOR, 1, LONELY);
    mp = await stack.startMediaPlatform();
    const mpOptions = { verified: true, scope: 'mp' };
    auth = { authorization: `Bearer ${await stack.signIn(AUTHOR, mpOptions)}` };
    lonelyAuth = { authorization: `Bearer ${await stack.signIn(LONELY, mpOptions)}` };
    appToken = { authorization: `Bearer ${await stack.signIn(AUTHOR)}` };
  });

  afterAll(async () => {
    await stack?.close();
    rmSync(uploads, { recursive: true, force: true });
  });

  describe('profile', () => {
    it('GET answers {id,name,intro,photo,email,mobile} with the default photo URL', async () => {
      const reply = await get('/mp/v1_0/user/profile');
      expect(reply.statusCode).toBe(200);
      expect(reply.json()).toEqual({
        message: 'OK',
        data: {
          id: AUTHOR,
          name: 'author',
          intro: 'old intro',
          photo: DEFAULT_PHOTO,
          email: 'old@mail.cn',
          mobile: '13911112001',
        },
      });
    });

    it('PATCH changes name, intro and email, answers 201 {id, …fields sent} and ignores everything else', async () => {
      const reply = await patchProfile({
        name: '新作者',
        intro: 'writes about tea',
        email: 'new@mail.cn',
        mobile: '13000000000',
        is_media: false,
        status: 0,
        photo: 'evil-key',
        id: LONELY,
      });
      expect(reply.statusCode).toBe(201);
      expect(reply.json()).toEqual({
        message: 'OK',
        data: { id: AUTHOR, name: '新作者', intro: 'writes about tea', email: 'new@mail.cn' },
      });
      expect(await authorRow()).toEqual({
        user_name: '新作者',
        introduction: 'writes about tea',
        email: 'new@mail.cn',
        profile_photo: null,
        mobile: '13911112001',
        is_media: 1,
        status: 1,
      });
      const profile = (await get('/mp/v1_0/user/profile')).json<{ data: Record<string, string> }>()
        .data;
      expect(profile).toMatchObject({
        name: '新作者',
        intro: 'writes about tea',
        email: 'new@mail.cn',
      });

      const onlyIntro = await patchProfile({ intro: '' });
      expect(onlyIntro.json()).toEqual({ message: 'OK', data: { id: AUTHOR, intro: '' } });
    });

    it('PATCH answers 409 `User name has existed.` for a taken name and changes nothing', async () => {
      const before = await authorRow();
      const reply = await patchProfile({ name: TAKEN_NAME, intro: 'never stored' });
      expect(reply.statusCode).toBe(409);
      expect(reply.json()).toEqual({ message: 'User name has existed.' });
      expect(await authorRow()).toEqual(before);
    });

    it('PATCH validates name 1–7, intro ≤60 and email with 400s keyed by field', async () => {
      const before = await authorRow();
      const cases: Array<[object, Record<string, string>]> = [
        [{ name: '' }, { name: 'Name must be 1 to 7 characters.' }],
        [{ name: '12345678' }, { name: 'Name must be 1 to 7 characters.' }],
        [{ intro: 'x'.repeat(61) }, { intro: 'Intro must be at most 60 characters.' }],
        // The settings form's 媒体介绍 is a textarea: Enter writes a line break there.
        [{ intro: '第一行\n第二行' }, { intro: 'Intro must be a single line.' }],
        [{ intro: 'line\r\n' }, { intro: 'Intro must be a single line.' }],
        [{ name: 'ab\ud800' }, { name: 'Name must be 1 to 7 characters.' }],
        [{ intro: 'intro \ud83d' }, { intro: 'Intro must be whole characters.' }],
        [{ email: 'not-an-email' }, { email: 'Invalid email.' }],
        [{ email: 'a-very-long-name@mail.cn' }, { email: 'Invalid email.' }],
      ];
      for (const [payload, message] of cases) {
        const reply = await patchProfile(payload);
        expect(reply.statusCode).toBe(400);
        expect(reply.json()).toEqual({ message });
      }
      expect(await authorRow()).toEqual(before);
    });

    it('PATCH refuses a name of invisible characters only like an empty one, and strips those around a name', async () => {
      const before = await authorRow();
      for (const name of ['\u200b', '\u200b\u200c\u200d', ' \u2060\ufeff ', '\u3164']) {
        const reply = await patchProfile({ name });
        expect([name, reply.statusCode, reply.json()]).toEqual([
          name,
          400,
          { message: { name: 'Name must be 1 to 7 characters.' } },
        ]);
      }
      expect(await authorRow()).toEqual(before);
      const around = await patchProfile({ name: '\u200b作者\u200b' });
      expect([around.statusCode, around.json()]).toEqual([
        201,
        { message: 'OK', data: { id: AUTHOR, name: '作者' } },
      ]);
      await patchProfile({ name: before.user_name });
    });

    it('PATCH refuses a name with an invisible character inside, a lookalike of a taken one, 400 keyed by name, and keeps emoji sequences', async () => {
      const before = await authorRow();
      for (const name of [
        't\u00adaken',
        'ta\u2066ken',
        'ta\u200bken',
        'tak\u2060en',
        'ta\u202eken',
      ]) {
        const reply = await patchProfile({ name, intro: 'never stored' });
        expect([name, reply.statusCode, reply.json()]).toEqual([
          name,
          400,
          { message: { name: 'Name must not contain invisible characters.' } },
        ]);
      }
      expect(await authorRow()).toEqual(before);
      for (const name of ['👨\u200d👩\u200d👧', '茶❤\ufe0f']) {
        const saved = await patchProfile({ name });
        expect([saved.statusCode, saved.json()]).toEqual([
          201,
          { message: 'OK', data: { id: AUTHOR, name } },
        ]);
        expect(await authorRow()).toEqual({ ...before, user_name: name });
      }
      await patchProfile({ name: before.user_name });
    });

    it('PATCH takes the settings form back as the publish admin saves it: the empty email GET answered is no change', async () => {
      const lonelyRow = async () =>
        (
          (await stack.sql(
            'SELECT user_name, introduction, email FROM user_basic WHERE user_id = ?',
            [LONELY],
          )) as Array<Record<string, unknown>>
        )[0];
      const loaded = (await get('/mp/v1_0/user/profile', lonelyAuth)).json<{
        data: { name: string; intro: string; email: string };
      }>().data;
      expect(loaded).toMatchObject({ name: TAKEN_NAME, intro: '', email: '' });

      // settings/index.vue: `const { name, intro, email } = this.user; updateUserProfile({ name, intro, email })`
      const { name, intro, email } = loaded;
      const reply = await mp.inject({
        method: 'PATCH',
        url: '/mp/v1_0/user/profile',
        payload: { name, intro, email },
        headers: lonelyAuth,
      });
      expect(reply.statusCode).toBe(201);
      expect(reply.json()).toEqual({
        message: 'OK',
        data: { id: LONELY, name: TAKEN_NAME, intro: '' },
      });
      expect(await lonelyRow()).toEqual({ user_name: TAKEN_NAME, introduction: '', email: null });

      // The reference answered a missing email as null, which older forms send back the same way.
      const nulls = await mp.inject({
        method: 'PATCH',
        url: '/mp/v1_0/user/profile',
        payload: { name, intro: null, email: null },
        headers: lonelyAuth,
      });
      expect(nulls.statusCode).toBe(201);
      expect(nulls.json()).toEqual({ message: 'OK', data: { id: LONELY, name: TAKEN_NAME } });

      const blank = await mp.inject({
        method: 'PATCH',
        url: '/mp/v1_0/user/profile',
        payload: { name, intro, email: ' ' },
        headers: lonelyAuth,
      });
      expect(blank.statusCode).toBe(400);
      expect(blank.json()).toEqual({ message: { email: 'Invalid email.' } });
      expect(await lonelyRow()).toEqual({ user_name: TAKEN_NAME, introduction: '', email: null });
    });

    it('PATCH takes the settings form of a new author back: the mobile registration named them by is no change, a changed name keeps 1 to 7', async () => {
      const NEWCOMER = '1294287382374383802';
      const mobile = '13911112003';
      // First sign-in names a user by their mobile; the author was verified since.
      await stack.sql(
        `INSERT INTO user_basic (user_id, mobile, user_name, status, is_media, is_verified) VALUES (?, ?, ?, 1, 1, 1)`,
        [NEWCOMER, mobile, mobile],
      );
      await stack.sql('INSERT INTO user_profile (user_id, gender) VALUES (?, 0)', [NEWCOMER]);
      const headers = {
        authorization: `Bearer ${await stack.signIn(NEWCOMER, { verified: true, scope: 'mp' })}`,
      };
      const newcomerRow = async () =>
        (
          (await stack.sql(
            'SELECT user_name, introduction, email FROM user_basic WHERE user_id = ?',
            [NEWCOMER],
          )) as Array<Record<string, unknown>>
        )[0];
      const save = (payload: object) =>
        mp.inject({ method: 'PATCH', url: '/mp/v1_0/user/profile', payload, headers });

      const loaded = (await get('/mp/v1_0/user/profile', headers)).json<{
        data: { name: string; intro: string; email: string };
      }>().data;
      expect(loaded).toMatchObject({ name: mobile, intro: '', email: '' });

      // settings/index.vue: the author fills 媒体介绍 and 邮箱, then
      // `const { name, intro, email } = this.user; updateUserProfile({ name, intro, email })`
      const user = { ...loaded, intro: '写茶的人', email: 'tea@mail.cn' };
      const { name, intro, email } = user;
      const reply = await save({ name, intro, email });
      expect(reply.statusCode).toBe(201);
      expect(reply.json()).toEqual({
        message: 'OK',
        data: { id: NEWCOMER, name: mobile, intro: '写茶的人', email: 'tea@mail.cn' },
      });
      expect(await newcomerRow()).toEqual({
        user_name: mobile,
        introduction: '写茶的人',
        email: 'tea@mail.cn',
      });

      // A name that is a change still has to be 1 to 7 characters, and then nothing is saved.
      for (const changed of ['13911112004', '']) {
        const refused = await save({ name: changed, intro: 'never', email: 'never@mail.cn' });
        expect(refused.statusCode).toBe(400);
        expect(refused.json()).toEqual({ message: { name: 'Name must be 1 to 7 characters.' } });
      }
      expect(await newcomerRow()).toEqual({
        user_name: mobile,
        introduction: '写茶的人',
        email: 'tea@mail.cn',
      });

      const renamed = await save({ name: '茶人', intro, email });
      expect(renamed.statusCode).toBe(201);
      expect((await newcomerRow()).user_name).toBe('茶人');
      expect((await get('/mp/v1_0/user/profile', headers)).json()).toMatchObject({
        data: { name: '茶人' },
      });
    });

    it('PATCH /user/photo stores a multipart photo and answers 201 {id, photo}', async () => {
      const key = `${createHash('sha256').update(IMAGE_FIXTURES.png).digest('hex')}.png`;
      const reply = await patchPhoto('photo', IMAGE_FIXTURES.png);
      expect(reply.statusCode).toBe(201);
      expect(reply.json()).toEqual({
        message: 'OK',
        data: { id: AUTHOR, photo: `${PUBLIC_URL}${key}` },
      });
      expect((await authorRow()).profile_photo).toBe(key);
      const profile = (await get('/mp/v1_0/user/profile')).json<{ data: { photo: string } }>().data;
      expect(profile.photo).toBe(`${PUBLIC_URL}${key}`);
    });

    it('PATCH /user/photo refuses a non-image or a missing photo with 400 and keeps the photo', async () => {
      const before = (await authorRow()).profile_photo;
      const text = await patchPhoto('photo', IMAGE_FIXTURES.text);
      expect(text.statusCode).toBe(400);
      expect(text.json()).toEqual({ message: { photo: 'Invalid image.' } });
      const missing = await patchPhoto('image', IMAGE_FIXTURES.gif);
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toEqual({ message: { photo: 'Invalid image.' } });
      expect((await authorRow()).profile_photo).toBe(before);
    });

    it('PATCH /user/photo refuses a cropped photo over the image limit with 400 keyed by photo, storing nothing', async () => {
      // The settings page uploads cropper.getCroppedCanvas().toBlob(): a PNG at the crop's full size.
      const files = () => readdirSync(join(uploads, 'images')).sort();
      const [before, stored] = [(await authorRow()).profile_photo, files()];
      const cropped = Buffer.concat([IMAGE_FIXTURES.png, randomBytes(5 * 1024 * 1024)]);
      const reply = await patchPhoto('photo', cropped);
      expect([reply.statusCode, reply.json()]).toEqual([
        400,
        { message: { photo: `Image is too large (at most ${5 * 1024 * 1024} bytes).` } },
      ]);
      expect([(await authorRow()).profile_photo, files()]).toEqual([before, stored]);
    });

    it('PATCH /user/photo refuses a photo cut short after its header with 400 keyed by photo, storing nothing', async () => {
      const files = () => readdirSync(join(uploads, 'images')).sort();
      const [before, stored] = [(await authorRow()).profile_photo, files()];
      const answers: [string, number, unknown][] = [];
      for (const [name, content] of Object.entries(TRUNCATED_IMAGE_FIXTURES)) {
        const reply = await patchPhoto('photo', content);
        answers.push([name, reply.statusCode, reply.json()]);
      }
      expect(answers).toEqual(
        Object.keys(TRUNCATED_IMAGE_FIXTURES).map((name) => [
          name,
          400,
          { message: { photo: 'Invalid image.' } },
        ]),
      );
      expect([(await authorRow()).profile_photo, files()]).toEqual([before, stored]);
    });

    it('PATCH /user/photo answers 400 to a multipart body it cannot read and keeps the photo', async () => {
      const before = (await authorRow()).profile_photo;
      const whole = multipart('photo', IMAGE_FIXTURES.png);
      for (const [contentType, payload] of unreadableMultipartBodies(whole)) {
        const reply = await mp.inject({
          method: 'PATCH',
          url: '/mp/v1_0/user/photo',
          payload,
          headers: { ...auth, 'content-type': contentType },
        });
        expect([reply.statusCode, reply.json()]).toEqual([
          400,
          { message: 'Malformed multipart body.' },
        ]);
      }
      expect((await authorRow()).profile_photo).toBe(before);
    });

    it('PATCH /user/photo stores no image when the user service refuses the save', async () => {
      const files = () => readdirSync(join(uploads, 'images')).sort();
      const before = files();
      // A token of an author the user service does not know (an account removed since, say).
      const gone = {
        authorization: `Bearer ${await stack.signIn('1294287382374383899', { verified: true, scope: 'mp' })}`,
      };
      const reply = await patchPhoto(
        'photo',
        Buffer.concat([IMAGE_FIXTURES.png, randomBytes(16)]),
        gone,
      );
      expect([reply.statusCode, reply.json()]).toEqual([404, { message: 'User does not exist.' }]);
      expect(files()).toEqual(before);
    });
  });

  describe('followers', () => {
    it('lists followers newest follow first as {id,name,photo}, 20 per page by default', async () => {
      const reply = await get('/mp/v1_0/followers');
      expect(reply.statusCode).toBe(200);
      const page = reply.json<{
        data: {
          total_count: number;
          page: number;
          per_page: number;
          results: Array<{ id: string; name: string; photo: string }>;
        };
      }>().data;
      expect(page).toMatchObject({ total_count: FOLLOWERS.length, page: 1, per_page: 20 });
      const expected = FOLLOWERS.map((seed, index) => ({
        id: followerId(index),
        name: `fan${index}`,
        photo: seed.photo ? `${PUBLIC_URL}${seed.photo}` : DEFAULT_PHOTO,
      })).reverse();
      expect(page.results).toEqual(expected);
    });

    it('pages with per_page 20–50 and refuses other sizes with 400', async () => {
      const second = (await get('/mp/v1_0/followers?page=2&per_page=20')).json<{
        data: { page: number; results: unknown[] };
      }>().data;
      expect(second).toMatchObject({ page: 2, results: [] });
      expect((await get('/mp/v1_0/followers?per_page=50')).statusCode).toBe(200);
      for (const query of ['per_page=19', 'per_page=51', 'page=0']) {
        const reply = await get(`/mp/v1_0/followers?${query}`);
        expect(reply.statusCode).toBe(400);
      }
      expect((await get('/mp/v1_0/followers?per_page=10')).json()).toEqual({
        message: { per_page: 'per_page must be within the range 20 - 50' },
      });
    });

    it('refuses a page beyond 32 bits with 400, where it answered another page', async () => {
      // 99999999999 travelled as 1215752191 and was answered as that page.
      for (const query of ['page=99999999999', 'page=2147483648']) {
        const reply = await get(`/mp/v1_0/followers?${query}`);
        expect([query, reply.statusCode, reply.json()]).toEqual([
          query,
          400,
          { message: { page: 'page must be a positive integer' } },
        ]);
      }
    });

    it("lists only the caller's own followers", async () => {
      const page = (await get('/mp/v1_0/followers', lonelyAuth)).json<{
        data: { total_count: number; results: unknown[] };
      }>().data;
      expect(page).toMatchObject({
        total_count: 1,
        results: [{ id: '1294287382374383991', name: 'blocked', photo: DEFAULT_PHOTO }],
      });
    });
  });

  describe('follower statistics', () => {
    it("GET /statistics/followers/gender counts the followers' genders", async () => {
      const reply = await get('/mp/v1_0/statistics/followers/gender');
      expect(reply.statusCode).toBe(200);
      expect(reply.json()).toEqual({ message: 'OK', data: expectedStatistics().gender });
    });

    it('GET /statistics/followers answers real gender and age buckets from the profiles; device is 0', async () => {
      const reply = await get('/mp/v1_0/statistics/followers');
      expect(reply.statusCode).toBe(200);
      const { gender, age } = expectedStatistics();
      expect(reply.json()).toEqual({
        message: 'OK',
        data: { gender, age, device: { ios: 0, android: 0 } },
      });
      // Sanity of the seed itself: every bucket is exercised and the birthday-less follower is in none.
      expect(Object.values(age).every((count) => count > 0)).toBe(true);
      expect(Object.values(age).reduce((sum, count) => sum + count, 0)).toBe(FOLLOWERS.length - 1);
    });

    it('counts only follows of the caller (relation = 1)', async () => {
      const reply = await get('/mp/v1_0/statistics/followers', lonelyAuth);
      const age: Record<Bucket, number> = { le18: 0, le23: 0, le30: 0, le40: 0, le50: 0, gt50: 0 };
      age[bucketOf(ageOf('1960-01-01'))] = 1;
      expect(reply.json()).toEqual({
        message: 'OK',
        data: { gender: { male: 1, female: 0 }, age, device: { ios: 0, android: 0 } },
      });
    });
  });

  describe('guard V', () => {
    const routes: Array<{ method: 'GET' | 'PATCH'; url: string; payload?: object }> = [
      { method: 'GET', url: '/mp/v1_0/user/profile' },
      { method: 'PATCH', url: '/mp/v1_0/user/profile', payload: { intro: 'app token' } },
      { method: 'PATCH', url: '/mp/v1_0/user/photo' },
      { method: 'GET', url: '/mp/v1_0/followers' },
      { method: 'GET', url: '/mp/v1_0/statistics/followers/gender' },
      { method: 'GET', url: '/mp/v1_0/statistics/followers' },
    ];

    it('answers 403 `User must be real info verified.` to an app token and changes nothing', async () => {
      const before = await authorRow();
      for (const route of routes) {
        const reply = await mp.inject({ ...route, headers: appToken });
        expect(reply.statusCode).toBe(403);
        expect(reply.json()).toEqual(VERIFIED_ONLY);
      }
      expect(await authorRow()).toEqual(before);
    });

    it('answers 401 without a token', async () => {
      for (const route of routes) {
        const reply = await mp.inject(route);
        expect(reply.statusCode).toBe(401);
        expect(reply.json()).toEqual({ message: 'User must be authorized.' });
      }
    });
  });
});
