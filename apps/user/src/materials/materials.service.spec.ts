import { AppError, ErrorKind } from '@app/grpc';

import type { ImageRow, MaterialsRepository } from './materials.repository';
import { IMAGE_PER_PAGE, MaterialsService, normalizeImagePage } from './materials.service';

const ME = '1294287382374383616';
const KEY = `${'a'.repeat(64)}.png`;
const HASH = 'a'.repeat(64);

type Store = Pick<
  MaterialsRepository,
  'upsertImage' | 'listImages' | 'setCollected' | 'softDelete'
>;

function newTestService(overrides: Partial<Store> = {}): {
  service: MaterialsService;
  store: jest.Mocked<Store>;
} {
  const row: ImageRow = { id: 7, url: KEY, isCollected: false };
  const store: jest.Mocked<Store> = {
    upsertImage: jest.fn().mockResolvedValue(row),
    listImages: jest.fn().mockResolvedValue({ total: 1, rows: [row] }),
    setCollected: jest.fn().mockResolvedValue(true),
    softDelete: jest.fn().mockResolvedValue(true),
    ...overrides,
  } as jest.Mocked<Store>;
  return { service: new MaterialsService(store as unknown as MaterialsRepository), store };
}

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('normalizeImagePage', () => {
  it('defaults page to 1 and per_page to 20, and accepts 1..50', () => {
    expect(normalizeImagePage(0, 0)).toEqual({ page: 1, perPage: IMAGE_PER_PAGE.default });
    expect(normalizeImagePage(3, 1)).toEqual({ page: 3, perPage: 1 });
    expect(normalizeImagePage(1, 50)).toEqual({ page: 1, perPage: 50 });
  });

  it('refuses negative pages and sizes outside 1..50', () => {
    expect(() => normalizeImagePage(-1, 10)).toThrow('Invalid page.');
    expect(() => normalizeImagePage(1, 51)).toThrow('Invalid per_page.');
    expect(() => normalizeImagePage(1, -5)).toThrow('Invalid per_page.');
  });
});

describe('MaterialsService', () => {
  it('adds an image and answers its id, key and collect flag', async () => {
    const { service, store } = newTestService();
    expect(await service.addImage(ME, KEY, HASH)).toEqual({ id: 7, key: KEY, isCollected: false });
    expect(store.upsertImage).toHaveBeenCalledWith(ME, KEY, HASH);
  });

  it('refuses keys that are paths or URLs, bad hashes and bad user ids without writing', async () => {
    const { service, store } = newTestService();
    for (const [user, key, hash] of [
      [ME, '../etc/passwd', HASH],
      [ME, 'http://evil/x.png', HASH],
      [ME, KEY, ''],
      [ME, KEY, 'x'.repeat(129)],
      ['0', KEY, HASH],
      ['abc', KEY, HASH],
    ]) {
      expect((await errorOf(service.addImage(user, key, hash))).kind).toBe(
        ErrorKind.InvalidArgument,
      );
    }
    expect(store.upsertImage).not.toHaveBeenCalled();
  });

  it('lists a page with the offset of the page', async () => {
    const { service, store } = newTestService();
    const page = await service.listImages(ME, true, 3, 5);
    expect(store.listImages).toHaveBeenCalledWith(ME, true, 10, 5);
    expect(page).toEqual({
      totalCount: 1,
      page: 3,
      perPage: 5,
      results: [{ id: 7, key: KEY, isCollected: false }],
    });
  });

  it('answers NOT_FOUND `The image does not exist.` to a collect when nothing of the caller matched', async () => {
    const { service } = newTestService({ setCollected: jest.fn().mockResolvedValue(false) });
    const error = await errorOf(service.setCollected(ME, 7, true));
    expect(error.kind).toBe(ErrorKind.NotFound);
    expect(error.message).toBe('The image does not exist.');
  });

  it('deletes an image the caller does not have as done, changing nothing (the reference answered 204)', async () => {
    const { service, store } = newTestService({ softDelete: jest.fn().mockResolvedValue(false) });
    await expect(service.deleteImage(ME, 7)).resolves.toBeUndefined();
    expect(store.softDelete).toHaveBeenCalledWith(ME, 7);
  });

  it('answers NOT_FOUND for ids outside INT UNSIGNED without asking the store', async () => {
    const { service, store } = newTestService();
    for (const id of [0, -1, 1.5, 2 ** 32]) {
      expect((await errorOf(service.deleteImage(ME, id))).kind).toBe(ErrorKind.NotFound);
    }
    expect(store.softDelete).not.toHaveBeenCalled();
    await service.setCollected(ME, 7, true);
    expect(store.setCollected).toHaveBeenCalledWith(ME, 7, true);
  });
});
