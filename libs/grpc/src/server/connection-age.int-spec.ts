import { setTimeout as sleep } from 'node:timers/promises';

import type { userV1 } from '@app/contracts';
import {
  type CallOptions,
  type Client,
  type ClientUnaryCall,
  connectivityState,
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod } from '@nestjs/microservices';
import { freePort } from '@app/testing';

import { GRPC_LOADER_OPTIONS } from '../loader-options';
import { USER_GRPC } from '../services';
import { connectionAgeOptions } from './connection-age';
import { GrpcHealth } from './grpc-health';
import { grpcServerOptions } from './grpc-server-options';

const AGE_MS = 300;
const GRACE_MS = 2000;
/** Longer than the age (plus its 10 % jitter), well within the grace. */
const SLOW_CALL_MS = 700;
const DEADLINE_MS = 5000;
const CONNECTION_AGE = {
  GRPC_MAX_CONNECTION_AGE_MS: AGE_MS,
  GRPC_MAX_CONNECTION_AGE_GRACE_MS: GRACE_MS,
};
/** What the apps' clients use (GrpcClientModule): every address of a headless Service gets calls. */
const ROUND_ROBIN = JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] });

const v1 = (
  (loadPackageDefinition(loadSync(USER_GRPC.protoPath, GRPC_LOADER_OPTIONS)).toutiao as GrpcObject)
    .user as GrpcObject
).v1 as GrpcObject;
const UserService = v1.UserService as ServiceClientConstructor;

/**
 * GetUser's handler (slow for the user `slow`), which notes each client connection (address and
 * port) it is called on.
 */
class Peers {
  readonly seen = new Set<string>();

  /** An empty reply: the user field unset. */
  async answer(userId: string, peer: string): Promise<object> {
    this.seen.add(peer);
    if (userId === 'slow') await sleep(SLOW_CALL_MS);
    return {};
  }
}

interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** recommend's kind: a grpc-js Server made by hand. */
async function plainServer(peers: Peers): Promise<RunningServer> {
  const server = new Server(connectionAgeOptions(CONNECTION_AGE));
  server.addService(UserService.service, {
    GetUser: (
      call: ServerUnaryCall<{ userId: string }, unknown>,
      callback: (error: null, reply: unknown) => void,
    ) => {
      void peers.answer(call.request.userId, call.getPeer()).then((reply) => callback(null, reply));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    url: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** user's and news' kind: a Nest microservice on grpcServerOptions. */
async function nestServer(peers: Peers): Promise<RunningServer> {
  @Controller()
  class UsersController {
    @GrpcMethod(USER_GRPC.serviceName, 'GetUser')
    getUser(
      request: userV1.GetUserRequest,
      _metadata: unknown,
      call: ServerUnaryCall<unknown, unknown>,
    ): Promise<object> {
      return peers.answer(request.userId, call.getPeer());
    }
  }
  @Module({ controllers: [UsersController] })
  class UsersModule {}

  const url = `127.0.0.1:${await freePort()}`;
  const app: INestMicroservice = await NestFactory.createMicroservice(UsersModule, {
    ...grpcServerOptions([USER_GRPC], url, new GrpcHealth([]), { connectionAge: CONNECTION_AGE }),
    logger: false,
  });
  await app.listen();
  return { url, close: () => app.close() };
}

/** How often the channel left READY: each time a watch set on READY fires. */
function watchReadyExits(client: Client): { count: () => number; stop: () => void } {
  const channel = client.getChannel();
  let exits = 0;
  let stopped = false;
  const watch = (): void => {
    const state = channel.getConnectivityState(false);
    channel.watchConnectivityState(state, Date.now() + 60_000, () => {
      if (state === connectivityState.READY) exits += 1;
      if (!stopped) watch();
    });
  };
  watch();
  return { count: () => exits, stop: () => (stopped = true) };
}

/** The method of the user service these tests call, on a client of grpc-js' own making. */
type UserClient = InstanceType<ServiceClientConstructor> & {
  GetUser(
    request: { userId: string },
    options: CallOptions,
    callback: (error: ServiceError | null) => void,
  ): ClientUnaryCall;
};

function getUser(client: UserClient, userId: string): Promise<ServiceError | null> {
  return new Promise((resolve) =>
    client.GetUser({ userId }, { deadline: Date.now() + DEADLINE_MS }, resolve),
  );
}

describe.each([
  ['a plain grpc-js Server', plainServer],
  ['a Nest microservice on grpcServerOptions', nestServer],
])('connection age on %s', (_kind, start) => {
  let peers: Peers;
  let server: RunningServer;
  let client: UserClient;

  beforeEach(async () => {
    peers = new Peers();
    server = await start(peers);
    client = new UserService(`dns:///${server.url}`, credentials.createInsecure(), {
      'grpc.service_config': ROUND_ROBIN,
    }) as UserClient;
  });

  afterEach(async () => {
    client.close();
    await server.close();
  });

  it('replaces the connection past the age while every call keeps succeeding', async () => {
    const readyExits = watchReadyExits(client);
    const failures: string[] = [];
    let calls = 0;
    const until = Date.now() + 5 * AGE_MS;
    // Several callers back to back, so calls are on the way as each GOAWAY goes out.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() < until) {
          const error = await getUser(client, 'fast');
          calls += 1;
          if (error) failures.push(`${error.code} ${error.details}`);
        }
      }),
    );
    readyExits.stop();
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(40);
    // One connection per age at least: the first and three or more after it.
    expect(peers.seen.size).toBeGreaterThanOrEqual(4);
    expect(readyExits.count()).toBeGreaterThanOrEqual(3);
  });

  it('lets a call that runs across the age finish on the old connection within the grace', async () => {
    const readyExits = watchReadyExits(client);
    const started = Date.now();
    const error = await getUser(client, 'slow');
    readyExits.stop();
    expect(error).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_CALL_MS);
    // The connection it ran on was aged out while it ran.
    expect(readyExits.count()).toBeGreaterThanOrEqual(1);
  });
});
