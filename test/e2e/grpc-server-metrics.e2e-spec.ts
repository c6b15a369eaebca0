import { loadConfig } from '@app/config';
import type { userV1 } from '@app/contracts';
import { serviceConstructor, USER_GRPC } from '@app/grpc';
import {
  createTestDatabase,
  createTestKeys,
  createTestRedis,
  freePort,
  testEnv,
  type TestDatabase,
  type TestRedis,
} from '@app/testing';
import { type Client, credentials, type ServiceError, status } from '@grpc/grpc-js';
import type { INestMicroservice } from '@nestjs/common';

import { userEnvSchema } from '../../apps/user/src/config/user.config';
import { USER_SCHEMA } from '../../apps/user/src/database/user-schema';
import { startUserService } from '../../apps/user/src/main';
import { rawRequest } from './support/raw-http';
import { EXPECTED_SECURITY_HEADERS, MALFORMED_REQUEST } from './support/security-headers';

type Unary<Req, Res> = (
  request: Req,
  callback: (error: ServiceError | null, response: Res) => void,
) => void;

type UserClient = Client & {
  GetUserNames: Unary<userV1.GetUserNamesRequest, userV1.GetUserNamesResponse>;
  GetProfile: Unary<userV1.GetProfileRequest, userV1.GetProfileResponse>;
};

/** The status a call ends with: OK, or the error's code. */
const codeOf = <Req, Res>(method: Unary<Req, Res>, request: Req): Promise<status> =>
  new Promise((resolve) => method(request, (error) => resolve(error?.code ?? status.OK)));

const SERVICE = 'toutiao.user.v1.UserService';

/** `name{labels} value` lines of a scrape, for the series whose labels include every one of `labels`. */
function samples(scrape: string, name: string, labels: Record<string, string>): number[] {
  return scrape
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .filter((line) =>
      Object.entries(labels).every(([label, value]) => line.includes(`${label}="${value}"`)),
    )
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
}

describe('gRPC server metrics (e2e)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let keys: ReturnType<typeof createTestKeys>;
  let user: INestMicroservice;
  let client: UserClient;
  let metricsUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase([USER_SCHEMA]);
    redis = createTestRedis();
    keys = createTestKeys();
    const [grpcPort, metricsPort] = [await freePort(), await freePort()];
    user = await startUserService(
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
    const UserService = serviceConstructor(USER_GRPC);
    client = new UserService(
      `127.0.0.1:${grpcPort}`,
      credentials.createInsecure(),
    ) as unknown as UserClient;
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  });

  afterAll(async () => {
    client?.close();
    await user?.close();
    await redis?.cleanup();
    await database?.drop();
    keys?.remove();
  });

  it('counts each call by service, method and status code, with its duration, at /metrics', async () => {
    expect(await codeOf(client.GetUserNames.bind(client), { userIds: [] })).toBe(status.OK);
    expect(await codeOf(client.GetUserNames.bind(client), { userIds: [] })).toBe(status.OK);
    expect(await codeOf(client.GetProfile.bind(client), { userId: '1294287382374399999' })).toBe(
      status.NOT_FOUND,
    );

    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const scrape = await response.text();
    const unary = { grpc_type: 'unary', grpc_service: SERVICE };
    expect(
      samples(scrape, 'grpc_server_handling_seconds_count', {
        ...unary,
        grpc_method: 'GetUserNames',
        grpc_code: 'OK',
      }),
    ).toEqual([2]);
    expect(
      samples(scrape, 'grpc_server_handling_seconds_count', {
        ...unary,
        grpc_method: 'GetProfile',
        grpc_code: 'NOT_FOUND',
      }),
    ).toEqual([1]);
    expect(
      samples(scrape, 'grpc_server_handled_total', {
        ...unary,
        grpc_method: 'GetProfile',
        grpc_code: 'NOT_FOUND',
      }),
    ).toEqual([1]);
    expect(
      samples(scrape, 'grpc_server_handling_seconds_bucket', {
        grpc_method: 'GetUserNames',
        le: '+Inf',
      }),
    ).toEqual([2]);
    // The health checks are not client traffic; the process metrics are there.
    expect(scrape).not.toContain('grpc.health.v1');
    expect(scrape).toContain('process_cpu_user_seconds_total');
  });

  it('answers 404 off /metrics', async () => {
    expect((await fetch(new URL('/nothing', metricsUrl))).status).toBe(404);
  });

  it("carries the HTTP apps' security headers on a scrape, a 404 and a malformed request's 400", async () => {
    const answers = [await fetch(metricsUrl), await fetch(new URL('/nothing', metricsUrl))];
    expect(answers.map((answer) => answer.status)).toEqual([200, 404]);
    for (const answer of answers)
      expect(Object.fromEntries(answer.headers)).toMatchObject(EXPECTED_SECURITY_HEADERS);
    const refused = await rawRequest(Number(new URL(metricsUrl).port), MALFORMED_REQUEST);
    expect([refused.status, refused.body]).toEqual([400, '{"message":"Bad request."}']);
    expect(refused.headers).toMatchObject(EXPECTED_SECURITY_HEADERS);
  });
});
