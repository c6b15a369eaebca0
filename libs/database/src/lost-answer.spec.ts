import { QueryFailedError } from 'typeorm';

import { answerLost, appliedOrFound, committedOrFound } from './lost-answer';

function driverFailure(fields: { code: string; errno?: number }): QueryFailedError {
  return new QueryFailedError('UPDATE t', [], Object.assign(new Error(fields.code), fields));
}

describe('appliedOrFound', () => {
  it.each([
    [
      'the connection lost with the answer',
      true,
      driverFailure({ code: 'PROTOCOL_CONNECTION_LOST' }),
    ],
    ['the connection reset', true, driverFailure({ code: 'ECONNRESET' })],
    ['the connection killed', true, driverFailure({ code: 'ER_CONNECTION_KILLED', errno: 1927 })],
    ['a deadlock', false, driverFailure({ code: 'ER_LOCK_DEADLOCK', errno: 1213 })],
    ['a lock wait timeout', false, driverFailure({ code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 })],
    ['a duplicate key', false, driverFailure({ code: 'ER_DUP_ENTRY', errno: 1062 })],
    ['a refused connection', false, driverFailure({ code: 'ECONNREFUSED' })],
    ['a pool that gave up', false, new Error('Timeout acquiring a connection')],
  ])('after %s, reads the row again: %s', async (_, readsAgain, error) => {
    const found = jest.fn().mockResolvedValue(true);
    const written = appliedOrFound(() => Promise.reject(error), found);
    if (readsAgain) await expect(written).resolves.toBe(true);
    else await expect(written).rejects.toBe(error);
    expect(answerLost(error)).toBe(readsAgain);
    expect(found).toHaveBeenCalledTimes(readsAgain ? 1 : 0);
  });

  it('fails as the write did when the row is not found as the write leaves it', async () => {
    const lost = driverFailure({ code: 'PROTOCOL_CONNECTION_LOST' });
    await expect(
      appliedOrFound(
        () => Promise.reject(lost),
        () => Promise.resolve(false),
      ),
    ).rejects.toBe(lost);
    await expect(
      appliedOrFound(
        () => Promise.reject(lost),
        () => Promise.reject(new Error('down')),
      ),
    ).rejects.toBe(lost);
  });

  it('looks only at rows written since the write started, with a margin for whole seconds', async () => {
    const lost = driverFailure({ code: 'PROTOCOL_CONNECTION_LOST' });
    const found = jest.fn().mockResolvedValue(false);
    await expect(appliedOrFound(() => Promise.reject(lost), found)).rejects.toBe(lost);
    const [withinMs] = found.mock.calls[0] as [number];
    expect(withinMs).toBeGreaterThanOrEqual(2_000);
    expect(withinMs).toBeLessThan(3_000);
  });

  it('answers what the write answered, reading nothing more', async () => {
    const found = jest.fn();
    await expect(appliedOrFound(() => Promise.resolve(false), found)).resolves.toBe(false);
    expect(found).not.toHaveBeenCalled();
  });
});

describe('committedOrFound', () => {
  const lost = driverFailure({ code: 'PROTOCOL_CONNECTION_LOST' });

  it('answers what the transaction answered before its COMMIT was lost, its row found', async () => {
    const changed = committedOrFound<string>(
      (answered) => {
        answered('replaced');
        return Promise.reject(lost);
      },
      () => Promise.resolve(true),
    );
    await expect(changed).resolves.toBe('replaced');
  });

  it.each([
    ['a statement was left unanswered', false, lost, true],
    [
      'the COMMIT failed otherwise',
      true,
      driverFailure({ code: 'ER_LOCK_DEADLOCK', errno: 1213 }),
      true,
    ],
    ['the row is not found as it leaves it', true, lost, false],
  ])('fails as the transaction did when %s', async (_, answeredFirst, error, rowFound) => {
    const found = jest.fn().mockResolvedValue(rowFound);
    const changed = committedOrFound<string>((answered) => {
      if (answeredFirst) answered('replaced');
      return Promise.reject(error);
    }, found);
    await expect(changed).rejects.toBe(error);
  });
});
