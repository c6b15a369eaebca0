import { type ServiceError, Server, ServerCredentials } from '@grpc/grpc-js';

import { RecommendChannel } from './recommend.channel';

/** user_reco.proto's method, answered with empty messages: only who answers counts here. */
const USER_RECOMMEND = '/UserRecommend/user_recommend';
const asIs = (bytes: Buffer): Buffer => bytes;

async function startReplica(): Promise<{ server: Server; port: number; calls: () => number }> {
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
        callback(null, Buffer.alloc(0));
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
