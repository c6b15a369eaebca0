import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEFAULT_PHOTO_KEY } from '@app/config';

import { defaultPhotoPng, ensureDefaultPhoto } from './default-photo';
import { IMAGE_FIXTURES } from './image-fixtures.stub';
import { detectImageType } from './image-type';
import { storeImage } from './image-upload';
import { LocalStorageDriver } from './local-storage.driver';

describe('LocalStorageDriver (real file system)', () => {
  let root: string;
  let dir: string;
  let driver: LocalStorageDriver;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tt-storage-'));
    // A folder that does not exist yet: the driver creates it on first use.
    dir = join(root, 'nested', 'uploads');
    driver = new LocalStorageDriver(dir, 'http://img.test/static/');
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('writes <sha256>.<ext> with the exact bytes and answers its URL', async () => {
    const stored = await storeImage(driver, IMAGE_FIXTURES.png, { maxBytes: 1024 });
    expect(stored.key).toBe(`${createHash('sha256').update(IMAGE_FIXTURES.png).digest('hex')}.png`);
    expect(readFileSync(join(dir, stored.key)).equals(IMAGE_FIXTURES.png)).toBe(true);
    expect(stored.url).toBe(`http://img.test/static/${stored.key}`);
    expect(readdirSync(dir)).toEqual([stored.key]);
  });

  it('stores the same content once: same key, file not rewritten', async () => {
    const first = await driver.put(IMAGE_FIXTURES.gif, 'image/gif');
    const before = statSync(join(dir, first.key));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await driver.put(Buffer.from(IMAGE_FIXTURES.gif), 'image/gif');
    expect(second.key).toBe(first.key);
    expect(statSync(join(dir, first.key)).mtimeMs).toBe(before.mtimeMs);
    expect(statSync(join(dir, first.key)).ino).toBe(before.ino);
  });

  it('survives concurrent uploads of one image and leaves no temporary files', async () => {
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => driver.put(IMAGE_FIXTURES.webp, 'image/webp')),
    );
    expect(new Set(keys.map(({ key }) => key)).size).toBe(1);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(readFileSync(join(dir, keys[0]?.key ?? '')).equals(IMAGE_FIXTURES.webp)).toBe(true);
  });

  it('reports write failures (here: the folder is a file) instead of answering a key', async () => {
    const broken = new LocalStorageDriver(join(dir, readdirSync(dir)[0] ?? ''), 'http://img.test/');
    await expect(broken.put(IMAGE_FIXTURES.jpg, 'image/jpeg')).rejects.toThrow();
  });
});

describe('the default photo with the local driver (real file system)', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tt-default-photo-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a PNG under the reference key once, leaving a picture already there and no temporary files', async () => {
    const driver = new LocalStorageDriver(join(dir, 'uploads'), 'http://img.test/');
    const written = await Promise.all([1, 2, 3].map(() => ensureDefaultPhoto(driver)));
    expect(written.filter(Boolean)).toHaveLength(1);
    expect(readdirSync(join(dir, 'uploads'))).toEqual([DEFAULT_PHOTO_KEY]);
    const stored = readFileSync(join(dir, 'uploads', DEFAULT_PHOTO_KEY));
    expect(stored.equals(defaultPhotoPng())).toBe(true);
    expect(detectImageType(stored)).toBe('png');

    writeFileSync(join(dir, 'uploads', DEFAULT_PHOTO_KEY), IMAGE_FIXTURES.gif);
    expect(await ensureDefaultPhoto(driver)).toBe(false);
    expect(readFileSync(join(dir, 'uploads', DEFAULT_PHOTO_KEY)).equals(IMAGE_FIXTURES.gif)).toBe(
      true,
    );
  });
});
