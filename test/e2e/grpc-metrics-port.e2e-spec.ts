import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

import { loadConfig } from '@app/config';
import { GRPC_LOADER_OPTIONS } from '@app/grpc';
import {
  createTestDatabase,
  createTestKeys,
  createTestRedis,
  freePort,
  testEnv,
  type TestDatabase,
  type TestRedis,
} from '@app/testing';
import {
  type Client,
  credentials,
  loadPackageDefinition,
  type ServiceClientConstructor,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

import { recommendEnvSchema } from '../../apps/recommend/src/config/recommend.config';
import { startRecommendService } from '../../apps/recommend/src/main';
import { userEnvSchema } from '../../apps/user/src/config/user.config';
import { USER_SCHEMA } from '../../apps/user/src/database/user-schema';
import { startUserService } from '../../apps/user/src/main';

type RecommendClient = Client & {
  user_recommend(
    request: { user_id: string; channel_id: number; article_num: number; time_stamp: number },
    callback: (error: ServiceError | null) => void,
  ): void;
};

const UserRecommend = loadPackageDefinition(
  loadSync(join(__dirname, '..', '..', 'proto', 'user_reco.proto'), GRPC_LOADER_OPTIONS),
).UserRecommend as ServiceClientConstructor;

/** Something else listening on `port`, as another process would. */
function occupy(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Whether `port` can be listened on again, i.e. nothing of a failed boot still holds it. */
function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

describe('gRPC services /metrics port (e2e)', () => {
  let database: TestDatabase;
  let redis: TestRedis;

  beforeAll(async () => {
    database = await createTestDatabase([USER_SCHEMA]);
    redis = createTestRedis();
  });

  afterAll(async () => {
    await redis?.cleanup();
    await database?.drop();
  });

  const settings = async (overrides: Record<string, number | string>) =>
    loadConfig(
      recommendEnvSchema,
      testEnv(database.settings, redis, {
        NEWS_GRPC_URL: `127.0.0.1:${await freePort()}`,
        HTTP_HOST: '127.0.0.1',
        RECO_REFRESH_INTERVAL_MS: 3_600_000,
        ...overrides,
      }),
    );

  it('fails the recommend service boot on a metrics port already taken, and leaves its gRPC port free', async () => {
    const [grpcPort, metricsPort] = [await freePort(), await freePort()];
    const squatter = await occupy(metricsPort);
    try {
      await expect(
        startRecommendService(
          await settings({ RECOMMEND_GRPC_PORT: grpcPort, RECOMMEND_METRICS_PORT: metricsPort }),
        ),
      ).rejects.toThrow(/EADDRINUSE/);
      expect(await isFree(grpcPort)).toBe(true);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('counts a UserRecommend call once at /metrics under its status, and closes the listener with the app', async () => {
    const [grpcPort, metricsPort] = [await freePort(), await freePort()];
    const app = await startRecommendService(
      await settings({ RECOMMEND_GRPC_PORT: grpcPort, RECOMMEND_METRICS_PORT: metricsPort }),
    );
    const client = new UserRecommend(
      `127.0.0.1:${grpcPort}`,
      credentials.createInsecure(),
    ) as unknown as RecommendClient;
    try {
      // News is down: whatever it answers, the call is counted once under the code the client saw.
      const code = await new Promise<status>((resolve) =>
        client.user_recommend(
          { user_id: '1', channel_id: 1, article_num: 10, time_stamp: Date.now() },
          (error) => resolve(error?.code ?? status.OK),
        ),
      );
      const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const counted = scrape
        .split('\n')
        .filter(
          (line) =>
            line.startsWith('grpc_server_handled_total{') &&
            line.includes('grpc_method="user_recommend"'),
        );
      expect(counted).toEqual([
        `grpc_server_handled_total{grpc_type="unary",grpc_service="UserRecommend",grpc_method="user_recommend",grpc_code="${status[code]}"} 1`,
      ]);
    } finally {
      client.close();
      await app.close();
    }
    expect(await isFree(metricsPort)).toBe(true);
  });

  it('fails the user service boot on a metrics port already taken, and leaves its gRPC port free', async () => {
    const keys = createTestKeys();
    const [grpcPort, metricsPort] = [await freePort(), await freePort()];
    const squatter = await occupy(metricsPort);
    try {
      const config = loadConfig(
        userEnvSchema,
        testEnv(database.settings, redis, {
          USER_GRPC_PORT: grpcPort,
          USER_METRICS_PORT: metricsPort,
          HTTP_HOST: '127.0.0.1',
          JWT_KEYS_DIR: keys.dir,
          JWT_SIGNING_KID: keys.kid,
        }),
      );
      await expect(startUserService(config)).rejects.toThrow(/EADDRINUSE/);
      expect(await isFree(grpcPort)).toBe(true);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
      keys.remove();
    }
  });

  it('closes the user service /metrics listener when the app closes', async () => {
    const keys = createTestKeys();
    const [grpcPort, metricsPort] = [await freePort(), await freePort()];
    const app = await startUserService(
      loadConfig(
        userEnvSchema,
        testEnv(database.settings, redis, {
          USER_GRPC_PORT: grpcPort,
          USER_METRICS_PORT: metricsPort,
          HTTP_HOST: '127.0.0.1',
          JWT_KEYS_DIR: keys.dir,
          JWT_SIGNING_KID: keys.kid,
        }),
      ),
    );
    try {
      expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);
    } finally {
      await app.close();
      keys.remove();
    }
    expect(await isFree(metricsPort)).toBe(true);
  });
});
