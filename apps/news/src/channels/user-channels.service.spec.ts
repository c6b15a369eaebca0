import { AppError, ErrorKind } from '@app/grpc';

import type { ChannelSummary } from './channels.repository';
import type { ChannelsService } from './channels.service';
import type { UserChannelsCache } from './user-channels.cache';
import type { UserChannelsRepository } from './user-channels.repository';
import { UserChannelsService } from './user-channels.service';

const USER = '1294287382374383616';
const ALL: ChannelSummary[] = [
  { id: 1, name: 'html' },
  { id: 2, name: 'python' },
  { id: 4, name: 'go' },
];
const DEFAULTS: ChannelSummary[] = [{ id: 1, name: 'html' }];

function newTestService(
  options: {
    cached?: ChannelSummary[];
    lease?: string;
    own?: ChannelSummary[];
    added?: boolean;
  } = {},
) {
  const calls: string[] = [];
  const channels = {
    list: jest.fn((defaultOnly: boolean) => Promise.resolve(defaultOnly ? DEFAULTS : ALL)),
  };
  const repository = {
    findKept: jest.fn(() => {
      calls.push('findKept');
      return Promise.resolve(options.own ?? []);
    }),
    add: jest.fn(() => {
      calls.push('add');
      return Promise.resolve(options.added ?? true);
    }),
    replace: jest.fn(() => {
      calls.push('replace');
      return Promise.resolve();
    }),
    upsert: jest.fn(() => {
      calls.push('upsert');
      return Promise.resolve();
    }),
    remove: jest.fn(() => {
      calls.push('remove');
      return Promise.resolve();
    }),
  };
  const cache = {
    get: jest.fn(() => Promise.resolve(options.cached)),
    lease: jest.fn(() => Promise.resolve(options.lease)),
    fill: jest.fn(() => Promise.resolve(true)),
    invalidate: jest.fn(() => {
      calls.push('invalidate');
      return Promise.resolve();
    }),
  };
  const service = new UserChannelsService(
    channels as unknown as ChannelsService,
    repository as unknown as UserChannelsRepository,
    cache as unknown as UserChannelsCache,
  );
  return { service, repository, cache, calls };
}

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('UserChannelsService.list', () => {
  it('gives anonymous callers the default channels without touching user storage', async () => {
    const { service, repository, cache } = newTestService();
    expect(await service.list('')).toEqual(DEFAULTS);
    expect(repository.findKept).not.toHaveBeenCalled();
    expect(cache.get).not.toHaveBeenCalled();
  });

  it('serves a cached list without reading MySQL', async () => {
    const own = [{ id: 4, name: 'go' }];
    const { service, repository } = newTestService({ cached: own });
    expect(await service.list(USER)).toEqual(own);
    expect(repository.findKept).not.toHaveBeenCalled();
  });

  it('fills the cache under its lease on a miss, with an empty list for a user without channels', async () => {
    const { service, cache } = newTestService({ lease: 'lease:1', own: [] });
    expect(await service.list(USER)).toEqual(DEFAULTS);
    expect(cache.fill).toHaveBeenCalledWith(USER, 'lease:1', []);
  });

  it('reads MySQL but does not fill when another reader holds the lease', async () => {
    const own = [{ id: 2, name: 'python' }];
    const { service, cache } = newTestService({ lease: undefined, own });
    expect(await service.list(USER)).toEqual(own);
    expect(cache.fill).not.toHaveBeenCalled();
  });

  it('reads the cached list against the visible channels: a hidden one left off, a renamed one named anew', async () => {
    const cached = [
      { id: 3, name: 'hidden since' },
      { id: 4, name: 'golang' },
    ];
    const { service } = newTestService({ cached });
    expect(await service.list(USER)).toEqual([{ id: 4, name: 'go' }]);
    expect(
      await newTestService({ cached: [{ id: 3, name: 'hidden' }] }).service.list(USER),
    ).toEqual(DEFAULTS);
  });

  it('refuses a malformed user id', async () => {
    const { service } = newTestService();
    expect((await errorOf(service.list('abc'))).kind).toBe(ErrorKind.Unauthenticated);
  });
});

describe('UserChannelsService changes', () => {
  it.each(['add', 'replace', 'upsert'] as const)(
    '%s validates, writes, and deletes the cache before and after',
    async (method) => {
      const { service, calls } = newTestService();
      const result = await service[method](USER, [{ id: 2, seq: 1 }]);
      expect(result).toEqual([{ id: 2, seq: 1 }]);
      expect(calls).toEqual(['invalidate', method, 'invalidate']);
    },
  );

  it('move upserts one position and remove soft-deletes, both clearing the cache', async () => {
    const { service, calls, repository } = newTestService();
    expect(await service.move(USER, 4, 3)).toEqual({ id: 4, seq: 3 });
    await service.remove(USER, [4, 4]);
    // The defaults (html) are passed where the user sees them, for a user without channels of their own.
    expect(repository.upsert).toHaveBeenCalledWith(USER, [{ id: 4, seq: 3 }], [{ id: 1, seq: 1 }]);
    expect(repository.remove).toHaveBeenCalledWith(USER, [4], [{ id: 1, seq: 1 }]);
    expect(calls).toEqual([
      'invalidate',
      'upsert',
      'invalidate',
      'invalidate',
      'remove',
      'invalidate',
    ]);
  });

  it('answers a conflicting add with 409 and still clears the cache', async () => {
    const { service, calls } = newTestService({ added: false });
    const error = await errorOf(service.add(USER, [{ id: 1, seq: 1 }]));
    expect(error.kind).toBe(ErrorKind.Conflict);
    expect(error.message).toBe('Some conflict user channels occurred.');
    expect(calls).toEqual(['invalidate', 'add', 'invalidate']);
  });

  it('writes nothing for invalid input', async () => {
    const { service, calls } = newTestService();
    expect((await errorOf(service.upsert(USER, [{ id: 3, seq: 1 }]))).message).toBe(
      'Invalid channels param.',
    );
    expect((await errorOf(service.move(USER, 99, 1))).message).toBe('Invalid channel id.');
    expect((await errorOf(service.remove(USER, []))).message).toBe('Channels param is required.');
    expect(calls).toEqual([]);
  });

  it('refuses changes without a signed-in user', async () => {
    const { service, calls } = newTestService();
    expect((await errorOf(service.add('', [{ id: 1, seq: 1 }]))).kind).toBe(
      ErrorKind.Unauthenticated,
    );
    expect(calls).toEqual([]);
  });
});
