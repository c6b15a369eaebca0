import { GRPC_MAX_MESSAGE_BYTES, isRefusedReply } from '@app/grpc';
import { type ServiceError, Server, ServerCredentials, status } from '@grpc/grpc-js';

import { RecommendChannel } from './recommend.channel';

/** user_reco.proto's method, answered with empty messages: only who answers counts here. */
const USER_RECOMMEND = '/UserRecommend/user_recommend';
const asIs = (bytes: Buffer): Buffer => bytes;

async function startReplica(
  reply = Buffer.alloc(0),
): Promise<{ server: Server; port: number; calls: () => number }> {
  let calls = 0;
  const server = new Server();
  server.addService(
    {
      userRecommend: {
        path: USER_RECOMMEND,
        requestStream: false,
        responseStream: false,
        requestSerialize: asIs,
        requestDeserialize: asIs,
        responseSerialize: asIs,
        responseDeserialize: asIs,
      },
    },
    {
      userRecommend: (_call: unknown, callback: (error: null, reply: Buffer) => void) => {
        calls += 1;
        callback(null, reply);
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { server, port, calls: () => calls };
}

/** A call of USER_RECOMMEND on the channel, answering its error (null when it succeeded). */
function callOn(channel: RecommendChannel): Promise<ServiceError | null> {
  return new Promise((resolve) =>
    channel.client.makeUnaryRequest(
      USER_RECOMMEND,
      asIs,
      asIs,
      Buffer.alloc(0),
      (error: ServiceError | null) => resolve(error),
    ),
  );
}

describe('RecommendChannel (int: two recommend replicas on real grpc-js servers)', () => {
  const replicas: Array<Awaited<ReturnType<typeof startReplica>>> = [];
  let channel: RecommendChannel;

  beforeAll(async () => {
    replicas.push(await startReplica(), await startReplica());
    const url = `ipv4:${replicas.map(({ port }) => `127.0.0.1:${port}`).join(',')}`;
    channel = new RecommendChannel({ RECOMMEND_GRPC_URL: url });
    await channel.onApplicationBootstrap();
  });

  afterAll(async () => {
    channel.onApplicationShutdown();
    await Promise.all(
      replicas.map(
        ({ server }) => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
      ),
    );
  });

  it('spreads its calls over every replica the address names, as a headless Service lists them', async () => {
    const call = (): Promise<void> =>
      new Promise((resolve, reject) =>
        channel.client.makeUnaryRequest(
          USER_RECOMMEND,
          asIs,
          asIs,
          Buffer.alloc(0),
          (error: ServiceError | null) => (error ? reject(error) : resolve()),
        ),
      );
    for (let index = 0; index < 40; index += 1) await call();
    // In turn once both are connected; the first calls may go to the one connected first.
    for (const { calls } of replicas) expect(calls()).toBeGreaterThanOrEqual(15);
  });
});

describe('RecommendChannel (int: a recommend service whose reply is over the message limit)', () => {
  let replica: Awaited<ReturnType<typeof startReplica>>;
  let channel: RecommendChannel;

  beforeAll(async () => {
    replica = await startReplica(Buffer.alloc(GRPC_MAX_MESSAGE_BYTES + 1));
    channel = new RecommendChannel({ RECOMMEND_GRPC_URL: `127.0.0.1:${replica.port}` });
    await channel.onApplicationBootstrap();
  });

  afterAll(async () => {
    channel.onApplicationShutdown();
    await new Promise<void>((resolve) => replica.server.tryShutdown(() => resolve()));
  });

  it("ends the call INTERNAL as a refused reply, as the services' clients do, not RESOURCE_EXHAUSTED as a refused request", async () => {
    const error = await callOn(channel);
    expect([error?.code, isRefusedReply(error)]).toEqual([status.INTERNAL, true]);
    expect(replica.calls()).toBe(1);
  });
});
