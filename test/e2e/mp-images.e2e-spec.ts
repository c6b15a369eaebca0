import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import {
  BROKEN_IMAGE_FIXTURES,
  IMAGE_FIXTURES,
  TRUNCATED_IMAGE_FIXTURES,
} from '../../libs/storage/src/image-fixtures.stub';
import { type ArticleStack, startArticleStack } from './support/article-stack';
import { unreadableMultipartBodies } from './support/unreadable-multipart';

const AUTHOR_A = '1294287382374383700';
const AUTHOR_B = '1294287382374383701';
const PUBLIC_URL = 'http://img.test/static/';
const MAX_IMAGE_BYTES = 4096;
const NOT_FOUND = { message: 'The image does not exist.' };
const IMAGES = '/mp/v1_0/user/images';

interface Upload {
  field: string;
  content: Buffer;
  filename?: string;
}

interface ImageItem {
  id: number;
  url: string;
  is_collected: boolean;
}

interface ImagePage {
  total_count: number;
  page: number;
  per_page: number;
  results: ImageItem[];
}

function multipart(parts: Upload[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----mp${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.field}"; filename="${part.filename ?? 'upload.bin'}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      part.content,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

const keyOf = (bytes: Buffer, extension: string): string =>
  `${createHash('sha256').update(bytes).digest('hex')}.${extension}`;

describe('media platform image library (mp -> user over gRPC, local storage)', () => {
  const uploads = mkdtempSync(join(tmpdir(), 'tt-mp-uploads-'));
  const storageDir = join(uploads, 'images');
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let authA: Record<string, string>;
  let authB: Record<string, string>;
  let appTokenA: Record<string, string>;

  const upload = (auth: Record<string, string>, parts: Upload[]) => {
    const body = multipart(parts);
    return mp.inject({
      method: 'POST',
      url: IMAGES,
      payload: body.payload,
      headers: { ...auth, ...body.headers },
    });
  };
  const uploadImage = async (auth: Record<string, string>, bytes: Buffer): Promise<number> => {
    const reply = await upload(auth, [{ field: 'image', content: bytes }]);
    expect(reply.statusCode).toBe(201);
    return reply.json<{ data: { id: number } }>().data.id;
  };
  const list = (auth: Record<string, string>, query = '') =>
    mp.inject({ method: 'GET', url: `${IMAGES}${query}`, headers: auth });
  const listData = async (auth: Record<string, string>, query = ''): Promise<ImagePage> => {
    const reply = await list(auth, query);
    expect(reply.statusCode).toBe(200);
    return reply.json<{ data: ImagePage }>().data;
  };
  const collect = (auth: Record<string, string>, id: number | string, payload: object) =>
    mp.inject({ method: 'PUT', url: `${IMAGES}/${id}`, payload, headers: auth });
  const remove = (auth: Record<string, string>, id: number | string) =>
    mp.inject({ method: 'DELETE', url: `${IMAGES}/${id}`, headers: auth });
  const materialRows = async (userId: string) =>
    (await stack.sql(
      'SELECT material_id, hash, url, status, is_collected, type FROM user_material WHERE user_id = ? ORDER BY material_id',
      [userId],
    )) as Array<Record<string, string>>;
  const setCreateTime = (id: number, time: string) =>
    stack.sql('UPDATE user_material SET create_time = ? WHERE material_id = ?', [time, id]);
  const clearLibraries = () => stack.sql('DELETE FROM user_material');

  beforeAll(async () => {
    stack = await startArticleStack({
      STORAGE_PUBLIC_URL: PUBLIC_URL,
      STORAGE_LOCAL_DIR: storageDir,
      STORAGE_MAX_IMAGE_BYTES: MAX_IMAGE_BYTES,
    });
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, status, is_media, is_verified) VALUES
       (?, '13911110001', 'author-a', 1, 1, 1), (?, '13911110002', 'author-b', 1, 1, 1)`,
      [AUTHOR_A, AUTHOR_B],
    );
    mp = await stack.startMediaPlatform();
    const mpOptions = { verified: true, scope: 'mp' };
    authA = { authorization: `Bearer ${await stack.signIn(AUTHOR_A, mpOptions)}` };
    authB = { authorization: `Bearer ${await stack.signIn(AUTHOR_B, mpOptions)}` };
    appTokenA = { authorization: `Bearer ${await stack.signIn(AUTHOR_A)}` };
  });

  afterAll(async () => {
    await stack?.close();
    rmSync(uploads, { recursive: true, force: true });
  });

  beforeEach(clearLibraries);

  it('POST stores a multipart image and answers 201 {id, url} with a numeric id', async () => {
    const reply = await upload(authA, [
      { field: 'image', content: IMAGE_FIXTURES.png, filename: 'a.png' },
    ]);
    expect(reply.statusCode).toBe(201);
    const key = keyOf(IMAGE_FIXTURES.png, 'png');
    const data = reply.json<{ message: string; data: { id: number; url: string } }>();
    expect(data).toEqual({
      message: 'OK',
      data: { id: expect.any(Number) as number, url: `${PUBLIC_URL}${key}` },
    });
    expect(existsSync(join(storageDir, key))).toBe(true);
    expect(await materialRows(AUTHOR_A)).toEqual([
      {
        material_id: data.data.id,
        hash: key.replace('.png', ''),
        url: key,
        status: 1,
        is_collected: 0,
        type: 0,
      },
    ]);
  });

  it('dedupes by content per author: the same image twice answers the same id and keeps one row', async () => {
    const first = await uploadImage(authA, IMAGE_FIXTURES.gif);
    const second = await uploadImage(authA, IMAGE_FIXTURES.gif);
    expect(second).toBe(first);
    expect(await materialRows(AUTHOR_A)).toHaveLength(1);
    // Another author uploading the same bytes gets an image of their own.
    const other = await uploadImage(authB, IMAGE_FIXTURES.gif);
    expect(other).not.toBe(first);
    expect(await materialRows(AUTHOR_B)).toHaveLength(1);
  });

  it('refuses a non-image (magic bytes), a missing field and an oversized file with 400, storing nothing', async () => {
    const before = existsSync(storageDir) ? readdirSync(storageDir).length : 0;
    const text = await upload(authA, [
      { field: 'image', content: IMAGE_FIXTURES.text, filename: 'x.png' },
    ]);
    expect(text.statusCode).toBe(400);
    expect(text.json()).toEqual({ message: { image: 'Invalid image.' } });

    const wrongField = await upload(authA, [{ field: 'photo', content: IMAGE_FIXTURES.png }]);
    expect(wrongField.statusCode).toBe(400);
    expect(wrongField.json()).toEqual({ message: { image: 'Invalid image.' } });

    const json = await mp.inject({
      method: 'POST',
      url: IMAGES,
      payload: { image: 'x' },
      headers: authA,
    });
    expect(json.statusCode).toBe(400);
    expect(json.json()).toEqual({ message: { image: 'Invalid image.' } });

    const big = Buffer.concat([IMAGE_FIXTURES.png, Buffer.alloc(MAX_IMAGE_BYTES)]);
    const tooLarge = await upload(authA, [{ field: 'image', content: big }]);
    expect(tooLarge.statusCode).toBe(400);
    expect(tooLarge.json<{ message: { image: string } }>().message.image).toContain(
      `${MAX_IMAGE_BYTES} bytes`,
    );

    expect(await materialRows(AUTHOR_A)).toEqual([]);
    expect(existsSync(storageDir) ? readdirSync(storageDir).length : 0).toBe(before);
  });

  it('refuses with 400 a file whose magic bytes name an image its header does not hold (the signature alone, a PNG or JPEG cut short), storing nothing', async () => {
    const before = existsSync(storageDir) ? readdirSync(storageDir).length : 0;
    const broken = {
      jpgMagicOnly: BROKEN_IMAGE_FIXTURES.jpgMagicOnly,
      pngMagicOnly: BROKEN_IMAGE_FIXTURES.pngMagicOnly,
      pngTruncated: BROKEN_IMAGE_FIXTURES.pngTruncated,
      jpgTruncated: BROKEN_IMAGE_FIXTURES.jpgTruncated,
    };
    const answers: [string, number, unknown][] = [];
    for (const [name, content] of Object.entries(broken)) {
      const reply = await upload(authA, [{ field: 'image', content, filename: 'a.jpg' }]);
      answers.push([name, reply.statusCode, reply.json()]);
    }
    expect(answers).toEqual(
      Object.keys(broken).map((name) => [name, 400, { message: { image: 'Invalid image.' } }]),
    );
    expect(await materialRows(AUTHOR_A)).toEqual([]);
    expect(existsSync(storageDir) ? readdirSync(storageDir).length : 0).toBe(before);

    // A real image of each accepted type still goes in.
    for (const bytes of [
      IMAGE_FIXTURES.jpg,
      IMAGE_FIXTURES.png,
      IMAGE_FIXTURES.gif,
      IMAGE_FIXTURES.webp,
    ]) {
      await uploadImage(authA, bytes);
    }
    expect(await materialRows(AUTHOR_A)).toHaveLength(4);
  });

  it('refuses with 400 an image cut short after its header (no JPEG EOI, no PNG IEND, no GIF trailer, a WebP shorter than its RIFF size), storing nothing', async () => {
    const before = existsSync(storageDir) ? readdirSync(storageDir).length : 0;
    const answers: [string, number, unknown][] = [];
    for (const [name, content] of Object.entries(TRUNCATED_IMAGE_FIXTURES)) {
      const reply = await upload(authA, [{ field: 'image', content, filename: 'a.jpg' }]);
      answers.push([name, reply.statusCode, reply.json()]);
    }
    expect(answers).toEqual(
      Object.keys(TRUNCATED_IMAGE_FIXTURES).map((name) => [
        name,
        400,
        { message: { image: 'Invalid image.' } },
      ]),
    );
    expect(await materialRows(AUTHOR_A)).toEqual([]);
    expect(existsSync(storageDir) ? readdirSync(storageDir).length : 0).toBe(before);
  });

  it('answers 400 to a multipart body it cannot read, storing nothing', async () => {
    const whole = multipart([{ field: 'image', content: IMAGE_FIXTURES.png }]);
    for (const [contentType, payload] of unreadableMultipartBodies(whole)) {
      const reply = await mp.inject({
        method: 'POST',
        url: IMAGES,
        payload,
        headers: { ...authA, 'content-type': contentType },
      });
      expect([reply.statusCode, reply.json()]).toEqual([
        400,
        { message: 'Malformed multipart body.' },
      ]);
    }
    expect(await materialRows(AUTHOR_A)).toEqual([]);
  });

  it('lists collected first, then newest, with the collect filter and paging', async () => {
    const oldest = await uploadImage(authA, IMAGE_FIXTURES.png);
    const middle = await uploadImage(authA, IMAGE_FIXTURES.gif);
    const newest = await uploadImage(authA, IMAGE_FIXTURES.webp);
    await setCreateTime(oldest, '2024-01-01 00:00:00');
    await setCreateTime(middle, '2024-01-02 00:00:00');
    await setCreateTime(newest, '2024-01-03 00:00:00');

    const all = await listData(authA);
    expect(all).toMatchObject({ total_count: 3, page: 1, per_page: 20 });
    expect(all.results.map((image) => image.id)).toEqual([newest, middle, oldest]);
    expect(all.results[0]).toEqual({
      id: newest,
      url: `${PUBLIC_URL}${keyOf(IMAGE_FIXTURES.webp, 'webp')}`,
      is_collected: false,
    });

    const collected = await collect(authA, oldest, { collect: true });
    expect(collected.statusCode).toBe(201);
    expect(collected.json()).toEqual({ message: 'OK', data: { id: oldest, collect: true } });

    const reordered = await listData(authA, '?collect=false');
    expect(reordered.results.map((image) => [image.id, image.is_collected])).toEqual([
      [oldest, true],
      [newest, false],
      [middle, false],
    ]);
    const onlyCollected = await listData(authA, '?collect=true');
    expect(onlyCollected.total_count).toBe(1);
    expect(onlyCollected.results.map((image) => image.id)).toEqual([oldest]);

    const second = await listData(authA, '?page=2&per_page=1');
    expect(second).toMatchObject({ total_count: 3, page: 2, per_page: 1 });
    expect(second.results.map((image) => image.id)).toEqual([newest]);

    const uncollected = await collect(authA, oldest, { collect: false });
    expect(uncollected.json()).toEqual({ message: 'OK', data: { id: oldest, collect: false } });
    expect((await listData(authA, '?collect=true')).results).toEqual([]);
  });

  it('validates the list query and the collect body with 400s', async () => {
    const id = await uploadImage(authA, IMAGE_FIXTURES.png);
    for (const query of ['?per_page=0', '?per_page=51', '?page=0', '?collect=maybe']) {
      const reply = await list(authA, query);
      expect(reply.statusCode).toBe(400);
    }
    expect((await list(authA, '?per_page=51')).json()).toEqual({
      message: { per_page: 'per_page must be within the range 1 - 50' },
    });
    const bad = await collect(authA, id, { collect: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ message: { collect: 'collect must be a boolean' } });
    expect((await collect(authA, id, {})).statusCode).toBe(400);
    expect((await materialRows(AUTHOR_A))[0].is_collected).toBe(0);
  });

  it('refuses a page beyond 32 bits with 400, where it answered another page', async () => {
    // 99999999999 travelled as 1215752191 and was answered as that page.
    for (const query of ['?page=99999999999', '?page=2147483648']) {
      const reply = await list(authA, query);
      expect([query, reply.statusCode, reply.json()]).toEqual([
        query,
        400,
        { message: { page: 'page must be a positive integer' } },
      ]);
    }
  });

  it('ignores unknown and privileged body fields on PUT', async () => {
    const id = await uploadImage(authA, IMAGE_FIXTURES.png);
    const reply = await collect(authA, id, {
      collect: true,
      user_id: AUTHOR_B,
      status: 3,
      id: 999,
    });
    expect(reply.statusCode).toBe(201);
    expect(reply.json()).toEqual({ message: 'OK', data: { id, collect: true } });
    const [row] = await materialRows(AUTHOR_A);
    expect(row).toMatchObject({ material_id: id, status: 1, is_collected: 1 });
  });

  it('DELETE answers 204 and soft-deletes (status 3); a deleted image is gone for list and collect', async () => {
    const id = await uploadImage(authA, IMAGE_FIXTURES.jpg);
    await collect(authA, id, { collect: true });
    const reply = await remove(authA, id);
    expect(reply.statusCode).toBe(204);
    expect(reply.body).toBe('');
    expect((await materialRows(AUTHOR_A))[0]).toMatchObject({ material_id: id, status: 3 });
    expect((await listData(authA)).total_count).toBe(0);
    expect((await collect(authA, id, { collect: true })).json()).toEqual(NOT_FOUND);

    // Uploading it again restores the same id as a fresh, uncollected image.
    expect(await uploadImage(authA, IMAGE_FIXTURES.jpg)).toBe(id);
    expect((await materialRows(AUTHOR_A))[0]).toMatchObject({
      material_id: id,
      status: 1,
      is_collected: 0,
    });
    expect((await listData(authA)).results).toEqual([
      { id, url: `${PUBLIC_URL}${keyOf(IMAGE_FIXTURES.jpg, 'jpg')}`, is_collected: false },
    ]);
  });

  it('DELETE of an image already gone (deleted in another tab, or never uploaded) answers 204 as the reference did, changing nothing, so the publish admin reloads its list', async () => {
    const id = await uploadImage(authA, IMAGE_FIXTURES.jpg);
    expect((await remove(authA, id)).statusCode).toBe(204);
    for (const gone of [id, 99999999]) {
      const again = await remove(authA, gone);
      expect([gone, again.statusCode, again.body]).toEqual([gone, 204, '']);
    }
    expect(await materialRows(AUTHOR_A)).toEqual([
      expect.objectContaining({ material_id: id, status: 3, is_collected: 0 }),
    ]);
    expect((await listData(authA)).total_count).toBe(0);
  });

  it('answers 404 for ids that name no image', async () => {
    for (const id of ['0', 'abc', '99999999', '1.5', '4294967296']) {
      const put = await collect(authA, id, { collect: true });
      expect(put.statusCode).toBe(404);
      expect(put.json()).toEqual(NOT_FOUND);
    }
    // No route for an id that is no positive integer, as the reference's `int(min=1)` had none,
    // nor for one past INT UNSIGNED, which names no image.
    for (const id of ['0', 'abc', '1.5', '4294967296']) {
      expect((await remove(authA, id)).statusCode).toBe(404);
    }
  });

  describe("ownership: author B and author A's images", () => {
    it("B never sees A's images in any list", async () => {
      const id = await uploadImage(authA, IMAGE_FIXTURES.png);
      await collect(authA, id, { collect: true });
      expect(await listData(authB)).toMatchObject({ total_count: 0, results: [] });
      expect(await listData(authB, '?collect=true')).toMatchObject({ total_count: 0, results: [] });
      expect((await listData(authA)).results.map((image) => image.id)).toEqual([id]);
    });

    it("B cannot collect or uncollect A's image: 404, and A's row is unchanged", async () => {
      const id = await uploadImage(authA, IMAGE_FIXTURES.png);
      const reply = await collect(authB, id, { collect: true });
      expect(reply.statusCode).toBe(404);
      expect(reply.json()).toEqual(NOT_FOUND);
      expect((await materialRows(AUTHOR_A))[0]).toMatchObject({ is_collected: 0, status: 1 });

      await collect(authA, id, { collect: true });
      expect((await collect(authB, id, { collect: false })).statusCode).toBe(404);
      expect((await materialRows(AUTHOR_A))[0]).toMatchObject({ is_collected: 1 });
    });

    it("B cannot delete A's image: 204 as for any image B does not have, and it stays in A's library", async () => {
      const id = await uploadImage(authA, IMAGE_FIXTURES.png);
      const reply = await remove(authB, id);
      expect(reply.statusCode).toBe(204);
      expect((await materialRows(AUTHOR_A))[0]).toMatchObject({ material_id: id, status: 1 });
      expect((await listData(authA)).total_count).toBe(1);
    });

    it("an image both uploaded (one file, named by its content) stays A's, row and file, when B deletes theirs, again and again", async () => {
      const mine = await uploadImage(authA, IMAGE_FIXTURES.jpg);
      const theirs = await uploadImage(authB, IMAGE_FIXTURES.jpg);
      const file = join(storageDir, keyOf(IMAGE_FIXTURES.jpg, 'jpg'));
      for (let attempt = 0; attempt < 2; attempt += 1) {
        expect((await remove(authB, theirs)).statusCode).toBe(204);
      }
      expect((await remove(authB, mine)).statusCode).toBe(204);
      expect((await materialRows(AUTHOR_B)).map((row) => [row.material_id, row.status])).toEqual([
        [theirs, 3],
      ]);
      expect((await materialRows(AUTHOR_A)).map((row) => [row.material_id, row.status])).toEqual([
        [mine, 1],
      ]);
      expect(existsSync(file)).toBe(true);
      const shown = (await listData(authA)).results;
      expect(shown.map((image) => image.id)).toEqual([mine]);
      const served = await stack.gateway.inject({
        method: 'GET',
        url: `/static/${keyOf(IMAGE_FIXTURES.jpg, 'jpg')}`,
      });
      expect(served.statusCode).toBe(200);
    });
  });

  describe('guard V', () => {
    const routes = (): Array<{
      method: 'GET' | 'POST' | 'PUT' | 'DELETE';
      url: string;
      payload?: object;
    }> => [
      { method: 'POST', url: IMAGES },
      { method: 'GET', url: IMAGES },
      { method: 'PUT', url: `${IMAGES}/1`, payload: { collect: true } },
      { method: 'DELETE', url: `${IMAGES}/1` },
    ];

    it('answers 403 `User must be real info verified.` to an app (non-verified) token on every route', async () => {
      const id = await uploadImage(authA, IMAGE_FIXTURES.png);
      for (const route of routes()) {
        const reply = await mp.inject({
          ...route,
          url: route.url.replace('/1', `/${id}`),
          headers: appTokenA,
        });
        expect(reply.statusCode).toBe(403);
        expect(reply.json()).toEqual({ message: 'User must be real info verified.' });
      }
      expect((await materialRows(AUTHOR_A))[0]).toMatchObject({ status: 1, is_collected: 0 });
    });

    it('answers 401 without a token', async () => {
      for (const route of routes()) {
        const reply = await mp.inject(route);
        expect(reply.statusCode).toBe(401);
        expect(reply.json()).toEqual({ message: 'User must be authorized.' });
      }
    });
  });
});
