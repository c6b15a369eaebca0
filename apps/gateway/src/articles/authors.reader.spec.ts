import type { TwoLevelCache } from '@app/cache';
import type { userV1 } from '@app/contracts';
import { type Observable, of, throwError } from 'rxjs';

import type { UserCardPresenter } from '../users/user-card.presenter';
import { AuthorsReader } from './authors.reader';

const A = '1294287382374383616';
const B = '1294287382374383617';
const C = '1294287382374383618';
const GONE = '1294287382374383699';

function newTestReader(
  cached: Record<string, { name: string; photo: string } | null>,
  stored: userV1.UserName[] | Error,
) {
  const cache = {
    peekMany: jest.fn((keys: string[]) =>
      Promise.resolve(keys.map((key) => cached[key.split(':')[1]])),
    ),
  };
  const getUserNames = jest.fn(
    (request: userV1.GetUserNamesRequest): Observable<userV1.GetUserNamesResponse> =>
      stored instanceof Error
        ? throwError(() => stored)
        : of({ users: stored.filter((user) => request.userIds.includes(user.id)) }),
  );
  const presenter = { photoUrl: (key: string) => `http://img/${key || 'default'}` };
  const reader = new AuthorsReader(
    cache as unknown as TwoLevelCache,
    { getUserNames } as unknown as userV1.UserServiceClient,
    presenter as unknown as UserCardPresenter,
  );
  return { reader, getUserNames };
}

describe('AuthorsReader', () => {
  it('sends the author misses of requests served together in one GetUserNames call', async () => {
    const { reader, getUserNames } = newTestReader(
      { [B]: { name: 'b', photo: 'Fb' }, [GONE]: null },
      [
        { id: A, name: 'a', photo: '' },
        { id: C, name: 'c', photo: 'Fc' },
      ],
    );
    const [first, second] = await Promise.all([reader.read([A, B, GONE]), reader.read([C, A])]);
    expect(Object.fromEntries(first)).toEqual({
      [A]: { name: 'a', photo: 'http://img/default' },
      [B]: { name: 'b', photo: 'http://img/Fb' },
      [GONE]: null,
    });
    expect(Object.fromEntries(second)).toEqual({
      [C]: { name: 'c', photo: 'http://img/Fc' },
      [A]: { name: 'a', photo: 'http://img/default' },
    });
    expect(getUserNames.mock.calls.map(([request]) => request.userIds)).toEqual([[A, C]]);
  });

  it('answers null for a user the user service does not name', async () => {
    const { reader } = newTestReader({}, []);
    expect(await reader.readOne(GONE)).toBeNull();
  });

  it('leaves out the authors the user service could not answer, keeping the cached ones', async () => {
    const { reader } = newTestReader(
      { [B]: { name: 'b', photo: 'Fb' }, [GONE]: null },
      new Error('14 UNAVAILABLE'),
    );
    expect(Object.fromEntries(await reader.read([A, B, GONE]))).toEqual({
      [B]: { name: 'b', photo: 'http://img/Fb' },
      [GONE]: null,
    });
    expect(await reader.readOne(A)).toBeUndefined();
  });

  it('rejects a lookup of whether a user exists when the user service cannot tell', async () => {
    const { reader } = newTestReader({}, new Error('14 UNAVAILABLE'));
    await expect(reader.find(A)).rejects.toThrow('14 UNAVAILABLE');
  });
});
