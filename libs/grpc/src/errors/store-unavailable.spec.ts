import { connect } from 'node:net';
import { runInNewContext } from 'node:vm';

import { status as GrpcStatus } from '@grpc/grpc-js';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { QueryFailedError } from 'typeorm';

import { toHttpError } from '../edge/http-exception.filter';
import { GrpcExceptionFilter } from '../server/grpc-exception.filter';
import { isStoreUnavailable } from './store-unavailable';

const withCode = (message: string, code: string): Error =>
  Object.assign(new Error(message), { code });
const connectionLost = withCode(
  'Connection lost: The server closed the connection.',
  'PROTOCOL_CONNECTION_LOST',
);

describe('isStoreUnavailable', () => {
  // Redis' own replies (LOADING, WRONGTYPE, ERR) are checked against a real server in the int-spec.
  it('knows a Redis that is down', () => {
    expect(isStoreUnavailable(new MaxRetriesPerRequestError(2))).toBe(true);
    expect(isStoreUnavailable(new Error('Connection is closed.'))).toBe(true);
    expect(
      isStoreUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED')),
    ).toBe(true);
  });

  it('knows a Redis that hangs: a reply that did not come within the client’s commandTimeout', () => {
    // ioredis' Command rejects with this plain Error when its timer runs out.
    expect(isStoreUnavailable(new Error('Command timed out'))).toBe(true);
  });

  it('knows a MySQL connection that was lost or killed, also wrapped by TypeORM', () => {
    expect(isStoreUnavailable(connectionLost)).toBe(true);
    expect(isStoreUnavailable(withCode('Connection was killed', 'ER_CONNECTION_KILLED'))).toBe(
      true,
    );
    expect(isStoreUnavailable(new QueryFailedError('SELECT 1', [], connectionLost))).toBe(true);
  });

  it("knows node's own error for a refused connection, made in another realm than this code", async () => {
    const otherRealm: unknown = runInNewContext(
      "Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' })",
    );
    // Nothing listens on port 1; node creates the socket's error itself.
    const refused = await new Promise<unknown>((resolve) =>
      connect(1, '127.0.0.1').once('error', resolve),
    );
    expect(otherRealm instanceof Error).toBe(false);
    expect([isStoreUnavailable(otherRealm), isStoreUnavailable(refused)]).toEqual([true, true]);
    expect(
      isStoreUnavailable(
        runInNewContext("Object.assign(new Error('boom'), { code: 'ER_DUP_ENTRY' })"),
      ),
    ).toBe(false);
  });

  it('leaves every other error alone', () => {
    const duplicate = withCode("Duplicate entry '1' for key 'PRIMARY'", 'ER_DUP_ENTRY');
    expect(isStoreUnavailable(new QueryFailedError('INSERT', [], duplicate))).toBe(false);
    expect(
      isStoreUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')")),
    ).toBe(false);
    expect(isStoreUnavailable('Connection is closed.')).toBe(false);
  });
});

describe('a store that is down, at the edges', () => {
  it('answers 503 over HTTP, with the table message and no detail', () => {
    expect(toHttpError(new MaxRetriesPerRequestError(2))).toEqual({
      status: 503,
      body: { message: 'Service unavailable.' },
    });
    expect(toHttpError(new QueryFailedError('SELECT 1', [], connectionLost)).status).toBe(503);
    expect(toHttpError(new Error('boom')).status).toBe(500);
  });

  it('answers UNAVAILABLE over gRPC, and INTERNAL for anything else', () => {
    const filter = new GrpcExceptionFilter();
    jest.spyOn(filter['logger'], 'error').mockImplementation(() => undefined);
    expect(filter.toPayload(new MaxRetriesPerRequestError(2))).toEqual({
      code: GrpcStatus.UNAVAILABLE,
      message: 'Service unavailable.',
    });
    expect(filter.toPayload(new Error('boom'))).toEqual({
      code: GrpcStatus.INTERNAL,
      message: 'Internal server error.',
    });
  });
});
