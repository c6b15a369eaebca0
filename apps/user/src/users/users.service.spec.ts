import { CounterKeys, type CounterStore } from '@app/cache';
import { AppError, ErrorKind } from '@app/grpc';

import type { UserProfileEntity } from './user-profile.entity';
import type { CachedUser, CachedUserExtra, UserProfileCache } from './user-profile.cache';
import { type UserEntity, UserStatus } from './user.entity';
import type { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

const ME = '1294287382374383620';

function userRow(overrides: Partial<UserEntity> = {}): UserEntity {
  return {
    id: ME,
    mobile: '13911111111',
    name: 'me',
    email: null,
    photo: null,
    status: UserStatus.Enabled,
    isMedia: false,
    isVerified: false,
    intro: null,
    certi: null,
    lastLogin: null,
    createTime: new Date(),
    updateTime: new Date(),
    ...overrides,
  };
}

function profileRow(overrides: Partial<UserProfileEntity> = {}): UserProfileEntity {
  return {
    userId: ME,
    gender: 1,
    birthday: null,
    realName: null,
    idNumber: null,
    idCardFront: null,
    idCardBack: null,
    idCardHandheld: null,
    createTime: new Date(),
    updateTime: new Date(),
    ...overrides,
  };
}

function newTestService() {
  const users = {
    findById: jest.fn<Promise<UserEntity | null>, [string]>().mockResolvedValue(userRow()),
    findByIds: jest.fn<Promise<UserEntity[]>, [readonly string[]]>().mockResolvedValue([]),
    findProfileById: jest
      .fn<Promise<UserProfileEntity | null>, [string]>()
      .mockResolvedValue(profileRow()),
    isNameTaken: jest.fn<Promise<boolean>, [string, string]>().mockResolvedValue(false),
    updateProfile: jest
      .fn<Promise<'updated' | 'name-taken'>, [string, object]>()
      .mockResolvedValue('updated'),
  };
  const cache = {
    getUser: jest
      .fn<Promise<CachedUser | null | undefined>, [string]>()
      .mockResolvedValue(undefined),
    // TwoLevelCache.getMany as its int spec pins it down: what `cached` holds as it is, one load
    // for the rest, each loaded id written (null when the load does not answer it).
    cached: new Map<string, CachedUser | null>(),
    written: [] as Array<[string, CachedUser | null]>,
    readUsers: jest.fn(
      async (ids: readonly string[], load: (ids: string[]) => Promise<Map<string, CachedUser>>) => {
        const users = new Map<string, CachedUser | null>();
        const misses = ids.filter((id) => !cache.cached.has(id));
        for (const id of ids) if (cache.cached.has(id)) users.set(id, cache.cached.get(id) ?? null);
        const loaded = misses.length > 0 ? await load(misses) : new Map<string, CachedUser>();
        for (const id of misses) {
          users.set(id, loaded.get(id) ?? null);
          cache.written.push([id, loaded.get(id) ?? null]);
        }
        return users;
      },
    ),
    setUser: jest.fn<Promise<void>, [string, CachedUser | null]>().mockResolvedValue(undefined),
    // TwoLevelCache.get: what `getUser` holds as it is (a null marker too), else the load's
    // answer, written with `setUser`.
    readUser: jest.fn(
      async (id: string, load: () => Promise<CachedUser | null>): Promise<CachedUser | null> => {
        const cached: CachedUser | null | undefined = await cache.getUser(id);
        if (cached !== undefined) return cached;
        const user = await load();
        await cache.setUser(id, user);
        return user;
      },
    ),
    getExtra: jest
      .fn<Promise<CachedUserExtra | undefined>, [string]>()
      .mockResolvedValue(undefined),
    setExtra: jest.fn<Promise<void>, [string, CachedUserExtra]>().mockResolvedValue(undefined),
    readExtra: jest.fn(
      async (id: string, load: () => Promise<CachedUserExtra>): Promise<CachedUserExtra> => {
        const cached: CachedUserExtra | undefined = await cache.getExtra(id);
        if (cached !== undefined) return cached;
        const extra = await load();
        await cache.setExtra(id, extra);
        return extra;
      },
    ),
    invalidate: jest.fn().mockResolvedValue(undefined),
  };
  const counters = { getMany: jest.fn<Promise<number[]>, [readonly string[], string]>() };
  const service = new UsersService(
    users as unknown as UsersRepository,
    counters as unknown as CounterStore,
    cache as unknown as UserProfileCache,
    { TZ: 'Asia/Shanghai' },
  );
  return { service, users, cache, counters };
}

async function appError(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('UsersService', () => {
  it('reads a user card through the profile cache and caches a missing user as a null marker', async () => {
    const { service, users, cache, counters } = newTestService();
    counters.getMany.mockResolvedValue([1, 2, 3, 4]);
    const card = await service.getUserInfo(ME);
    expect(card).toMatchObject({
      id: ME,
      name: 'me',
      photo: '',
      artCount: '1',
      followCount: '2',
      fansCount: '3',
      likeCount: '4',
    });
    expect(cache.setUser).toHaveBeenCalledWith(
      ME,
      expect.objectContaining({ name: 'me', mobile: '13911111111' }),
    );

    users.findById.mockResolvedValueOnce(null);
    expect((await appError(service.getUserInfo('1294287382374383699'))).message).toBe(
      'Invalid target user.',
    );
    expect(cache.setUser).toHaveBeenLastCalledWith('1294287382374383699', null);
  });

  it('names many users from the cache and one query for the rest, caching those that do not exist as null markers', async () => {
    const { service, users, cache } = newTestService();
    const OTHER = '1294287382374383621';
    const GONE = '1294287382374383622';
    const CACHED = '1294287382374383623';
    cache.cached.set(CACHED, {
      mobile: '',
      name: 'cached',
      photo: 'Fc',
      is_media: false,
      intro: '',
      certi: '',
      email: '',
    });
    users.findByIds.mockResolvedValue([
      userRow({ id: OTHER, name: 'other', photo: 'Fo' }),
      userRow(),
    ]);
    const names = await service.getUserNames([OTHER, 'bad', GONE, CACHED, ME, OTHER]);
    expect(names).toEqual([
      { id: OTHER, name: 'other', photo: 'Fo' },
      { id: CACHED, name: 'cached', photo: 'Fc' },
      { id: ME, name: 'me', photo: '' },
      { id: OTHER, name: 'other', photo: 'Fo' },
    ]);
    expect(cache.readUsers.mock.calls[0][0]).toEqual([OTHER, GONE, CACHED, ME]);
    expect(users.findByIds.mock.calls).toEqual([[[OTHER, GONE, ME]]]);
    expect(cache.written.map(([id, user]) => [id, user === null ? null : 'user'])).toEqual([
      [OTHER, 'user'],
      [GONE, null],
      [ME, 'user'],
    ]);
  });

  it('answers from the cache without touching MySQL, and trusts a cached null marker', async () => {
    const { service, users, cache, counters } = newTestService();
    counters.getMany.mockResolvedValue([0, 0, 0, 0]);
    cache.getUser.mockResolvedValueOnce({
      mobile: 'm',
      name: 'cached',
      photo: 'k.png',
      is_media: true,
      intro: '',
      certi: '',
      email: '',
    });
    expect(await service.getUserInfo(ME)).toMatchObject({
      name: 'cached',
      photo: 'k.png',
      isMedia: true,
    });
    cache.getUser.mockResolvedValueOnce(null);
    expect((await appError(service.getUserInfo(ME))).message).toBe('Invalid target user.');
    expect(users.findById).not.toHaveBeenCalled();
  });

  it('saves gender 0 and invalidates both profile caches', async () => {
    const { service, users, cache } = newTestService();
    users.findProfileById.mockResolvedValue(profileRow({ gender: 0 }));
    const profile = await service.updateProfile(ME, { gender: 0 });
    expect(users.updateProfile).toHaveBeenCalledWith(ME, { gender: 0 });
    expect(cache.invalidate).toHaveBeenCalledWith(ME);
    expect(profile.gender).toBe(0);
    // The answer comes from MySQL, so the deleted keys are not written back at once.
    expect(cache.setUser).not.toHaveBeenCalled();
    expect(cache.setExtra).not.toHaveBeenCalled();
  });

  it('refuses a taken name, found by query (without invalidating) or by the unique key', async () => {
    const { service, users, cache } = newTestService();
    users.isNameTaken.mockResolvedValueOnce(true);
    const byQuery = await appError(service.updateProfile(ME, { name: 'taken' }));
    expect([byQuery.kind, byQuery.message]).toEqual([ErrorKind.Conflict, 'User name has existed.']);
    expect(users.updateProfile).not.toHaveBeenCalled();
    expect(cache.invalidate).not.toHaveBeenCalled();

    users.updateProfile.mockResolvedValueOnce('name-taken');
    const byRace = await appError(service.updateProfile(ME, { name: 'raced' }));
    expect([byRace.kind, byRace.message]).toEqual([ErrorKind.Conflict, 'User name has existed.']);
  });

  it('writes nothing when the cached profile cannot be dropped, and keeps a save whose second drop fails', async () => {
    const { service, users, cache } = newTestService();
    cache.invalidate.mockRejectedValueOnce(new Error('cache Redis down'));
    await expect(service.updateProfile(ME, { intro: 'refused' })).rejects.toThrow(
      'cache Redis down',
    );
    expect(users.updateProfile).not.toHaveBeenCalled();

    cache.invalidate
      .mockResolvedValueOnce(undefined)
      .mockRejectedValueOnce(new Error('cache Redis down'));
    await service.updateProfile(ME, { intro: 'saved' });
    expect(users.updateProfile).toHaveBeenCalledWith(ME, { intro: 'saved' });
    expect(cache.invalidate).toHaveBeenCalledTimes(3);
  });

  it('checks a dry run as the save, a taken name included, and writes nothing', async () => {
    const { service, users, cache } = newTestService();
    const profile = await service.updateProfile(
      ME,
      { name: 'new', photo: 'k.png' },
      { dryRun: true },
    );
    expect([profile.name, profile.photo]).toEqual(['me', '']);
    users.isNameTaken.mockResolvedValueOnce(true);
    const taken = await appError(service.updateProfile(ME, { name: 'taken' }, { dryRun: true }));
    expect([taken.kind, taken.message]).toEqual([ErrorKind.Conflict, 'User name has existed.']);
    const invalid = await appError(
      service.updateProfile(ME, { name: '八个字的名字太长' }, { dryRun: true }),
    );
    expect([invalid.kind, invalid.field]).toEqual([ErrorKind.InvalidArgument, 'name']);
    expect(users.updateProfile).not.toHaveBeenCalled();
    expect(cache.invalidate).not.toHaveBeenCalled();
  });

  it('takes its own name as no change, without asking whether it is taken', async () => {
    const { service, users, cache } = newTestService();
    const profile = await service.updateProfile(ME, { name: 'me' });
    expect(profile.name).toBe('me');
    expect(users.isNameTaken).not.toHaveBeenCalled();
    expect(users.updateProfile).not.toHaveBeenCalled();
    expect(cache.invalidate).not.toHaveBeenCalled();
  });

  it("keeps a new user's 11-digit name when the whole form is saved back, and writes the rest", async () => {
    const { service, users } = newTestService();
    users.findById.mockResolvedValue(userRow({ name: '13911111111' }));
    await service.updateProfile(ME, { name: '13911111111', intro: 'hello', gender: 1 });
    expect(users.isNameTaken).not.toHaveBeenCalled();
    expect(users.updateProfile).toHaveBeenCalledWith(ME, {
      name: undefined,
      intro: 'hello',
      gender: 1,
    });
  });

  it('refuses a changed name outside 1 to 7 characters and writes none of the other fields', async () => {
    const { service, users, cache } = newTestService();
    users.findById.mockResolvedValue(userRow({ name: '13911111111' }));
    const error = await appError(
      service.updateProfile(ME, { name: '13922222222', intro: 'hello', gender: 1 }),
    );
    expect([error.kind, error.message, error.field]).toEqual([
      ErrorKind.InvalidArgument,
      'Name must be 1 to 7 characters.',
      'name',
    ]);
    expect(users.updateProfile).not.toHaveBeenCalled();
    expect(cache.invalidate).not.toHaveBeenCalled();
  });

  it('refuses invalid values before any write', async () => {
    const { service, users } = newTestService();
    for (const changes of [
      { name: '12345678' },
      { gender: 3 },
      { birthday: '2999-01-01' },
      { photo: '../x' },
    ]) {
      expect((await appError(service.updateProfile(ME, changes))).kind).toBe(
        ErrorKind.InvalidArgument,
      );
    }
    expect(users.updateProfile).not.toHaveBeenCalled();
  });

  it('answers 404 for a profile of a user that does not exist', async () => {
    const { service, users } = newTestService();
    users.findById.mockResolvedValue(null);
    expect((await appError(service.getProfile(ME))).kind).toBe(ErrorKind.NotFound);
    expect((await appError(service.updateProfile(ME, { intro: 'x' }))).kind).toBe(
      ErrorKind.NotFound,
    );
  });

  it('reads the figure from the followers and author reads counters', async () => {
    const { service, counters } = newTestService();
    counters.getMany.mockResolvedValue([7, 123]);
    expect(await service.getFigure(ME)).toEqual({ fansCount: '7', readCount: '123' });
    expect(counters.getMany).toHaveBeenCalledWith(
      [CounterKeys.userFollowers, CounterKeys.authorReads],
      ME,
    );
  });
});
