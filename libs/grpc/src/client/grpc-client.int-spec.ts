import { userV1 } from '@app/contracts';
import { Server, ServerCredentials, status as GrpcStatus } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import {
  loadPackageDefinition,
  type GrpcObject,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import {
  Controller,
  Get,
  type INestApplicationContext,
  type INestMicroservice,
  Module,
  Param,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { freePort } from '@app/testing';

import { configureHttpApp } from '../edge/configure-http-app';
import { toHttpError } from '../edge/http-exception.filter';
import { AppError } from '../errors/app-error';
import { ErrorKind } from '../errors/error-kind';
import { appErrorFieldOf, isAppErrorStatus, isGrpcServiceError } from '../errors/grpc-error';
import { GRPC_LOADER_OPTIONS } from '../loader-options';
import { GrpcExceptionFilter } from '../server/grpc-exception.filter';
import { GrpcHealth } from '../server/grpc-health';
import { grpcServerOptions } from '../server/grpc-server-options';
import { USER_GRPC } from '../services';
import { unary } from './call';
import { grpcClientToken, GrpcClientModule, InjectGrpcClient } from './grpc-client.module';

async function clientFor(
  url: string,
  deadlineMs: number,
): Promise<{ app: INestApplicationContext; client: userV1.UserServiceClient }> {
  @Module({ imports: [GrpcClientModule.register([{ service: USER_GRPC, url, deadlineMs }])] })
  class ClientModule {}
  const app = await NestFactory.createApplicationContext(ClientModule, { logger: false });
  return { app, client: app.get<userV1.UserServiceClient>(grpcClientToken(USER_GRPC)) };
}

/** An HTTP app with the shared edge whose `GET /app/users/:id` answers the user service's GetUser. */
async function httpEdgeFor(url: string): Promise<NestFastifyApplication> {
  @Controller('users')
  class UsersHttpController {
    constructor(@InjectGrpcClient(USER_GRPC) private readonly users: userV1.UserServiceClient) {}

    @Get(':id')
    get(@Param('id') userId: string): Promise<userV1.GetUserResponse> {
      return unary(this.users.getUser({ userId }));
    }
  }
  @Module({
    imports: [GrpcClientModule.register([{ service: USER_GRPC, url, deadlineMs: 2000 }])],
    controllers: [UsersHttpController],
  })
  class EdgeModule {}
  const app = await NestFactory.create<NestFastifyApplication>(EdgeModule, new FastifyAdapter(), {
    logger: false,
  });
  configureHttpApp(app, 'app');
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

async function callError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('call succeeded');
}

/** How far a deadline the server reads may be off the client's: grpc-timeout is sent in whole ms. */
const DEADLINE_ROUNDING_MS = 3;

describe('gRPC client deadlines', () => {
  let server: Server;
  let url: string;
  /** Each GetUser call's deadline as the server read it, and when its handler ran (epoch ms). */
  const received: Array<{ deadline: number; at: number }> = [];

  beforeAll(async () => {
    const definition = loadPackageDefinition(loadSync(USER_GRPC.protoPath, GRPC_LOADER_OPTIONS));
    const v1 = ((definition.toutiao as GrpcObject).user as GrpcObject).v1 as GrpcObject;
    server = new Server();
    // A service that never answers: only the client's deadline can end the call.
    server.addService((v1.UserService as ServiceClientConstructor).service, {
      GetUser: (call: { getDeadline(): Date | number }) => {
        received.push({ deadline: Number(call.getDeadline()), at: Date.now() });
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    url = `127.0.0.1:${port}`;
  });

  afterAll(() => server.forceShutdown());

  it('ends a hanging call at the default deadline and maps it to 504', async () => {
    const { app, client } = await clientFor(url, 150);
    // A first call connects the channel: the call looked at must reach the server before its deadline.
    await callError(unary(client.getUser({ userId: '1' })));
    received.length = 0;
    const started = Date.now();
    const error = await callError(unary(client.getUser({ userId: '1' })));
    await app.close();
    expect(isGrpcServiceError(error) && error.code).toBe(GrpcStatus.DEADLINE_EXCEEDED);
    // The deadline 150 ms from when the call was made: not before it was asked, not later than
    // 150 ms from when the server read it, however long the call took to get there.
    expect(received).toHaveLength(1);
    const [{ deadline, at }] = received;
    expect(deadline).toBeGreaterThanOrEqual(started + 150 - DEADLINE_ROUNDING_MS);
    expect(deadline).toBeLessThanOrEqual(at + 150 + DEADLINE_ROUNDING_MS);
    // grpc-js' own details name the deadline and the server's address: not for clients.
    expect(isGrpcServiceError(error) && error.details).toContain('Deadline exceeded');
    expect(toHttpError(error)).toEqual({ status: 504, body: { message: 'Service timed out.' } });
  });

  it('answers an unreachable service as 503 without the connection details', async () => {
    const { app, client } = await clientFor(`127.0.0.1:${await freePort()}`, 1000);
    const error = await callError(unary(client.getUser({ userId: '1' })));
    await app.close();
    expect(isGrpcServiceError(error) && error.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(toHttpError(error)).toEqual({ status: 503, body: { message: 'Service unavailable.' } });
  });
});

describe('gRPC server exception filter', () => {
  @Controller()
  class FailingController implements Pick<userV1.UserServiceController, 'getUser'> {
    @GrpcMethod(userV1.USER_SERVICE_NAME, 'GetUser')
    getUser(request: userV1.GetUserRequest): userV1.GetUserResponse {
      if (request.userId === 'domain') throw AppError.notFound('The user does not exist.');
      if (request.userId === 'busy')
        throw new AppError(ErrorKind.Unavailable, 'The user could not be read now.');
      // Worded as no edge words it: only the named field can make the HTTP answer keyed.
      if (request.userId === 'field')
        throw AppError.invalid('Reworded: a name has one to seven characters.', 'name');
      throw new TypeError('cannot read properties of undefined');
    }
  }

  @Module({ controllers: [FailingController] })
  class FailingModule {}

  let service: INestMicroservice;
  let serviceUrl: string;
  let client: { app: INestApplicationContext; client: userV1.UserServiceClient };

  beforeAll(async () => {
    serviceUrl = `127.0.0.1:${await freePort()}`;
    service = await NestFactory.createMicroservice(FailingModule, {
      ...grpcServerOptions([USER_GRPC], serviceUrl, new GrpcHealth([])),
      logger: false,
    });
    service.useGlobalFilters(new GrpcExceptionFilter());
    await service.listen();
    client = await clientFor(serviceUrl, 2000);
  });

  afterAll(async () => {
    await client.app.close();
    await service.close();
  });

  it('sends a domain error as its real status and message', async () => {
    const error = await callError(unary(client.client.getUser({ userId: 'domain' })));
    expect(isGrpcServiceError(error) && [error.code, error.details]).toEqual([
      GrpcStatus.NOT_FOUND,
      'The user does not exist.',
    ]);
  });

  it('sends an unexpected error as INTERNAL with a generic message, never UNKNOWN', async () => {
    const error = await callError(unary(client.client.getUser({ userId: 'bug' })));
    expect(isGrpcServiceError(error) && [error.code, error.details]).toEqual([
      GrpcStatus.INTERNAL,
      'Internal server error.',
    ]);
  });

  it("marks a domain error's message as the service's, so the HTTP edge shows it even for a 503", async () => {
    const error = await callError(unary(client.client.getUser({ userId: 'busy' })));
    expect(isGrpcServiceError(error) && isAppErrorStatus(error)).toBe(true);
    expect(toHttpError(error)).toEqual({
      status: 503,
      body: { message: 'The user could not be read now.' },
    });
    const bug = await callError(unary(client.client.getUser({ userId: 'bug' })));
    expect(isGrpcServiceError(bug) && isAppErrorStatus(bug)).toBe(false);
  });

  it('carries the field a domain error names, so the HTTP edge keys the message by it', async () => {
    const edge = await httpEdgeFor(serviceUrl);
    try {
      const keyed = await edge.inject({ method: 'GET', url: '/app/users/field' });
      expect([keyed.statusCode, keyed.body]).toEqual([
        400,
        '{"message":{"name":"Reworded: a name has one to seven characters."}}',
      ]);
      const bare = await edge.inject({ method: 'GET', url: '/app/users/domain' });
      expect([bare.statusCode, bare.body]).toEqual([404, '{"message":"The user does not exist."}']);
    } finally {
      await edge.close();
    }
    const error = await callError(unary(client.client.getUser({ userId: 'field' })));
    expect(isGrpcServiceError(error) && [error.code, appErrorFieldOf(error)]).toEqual([
      GrpcStatus.INVALID_ARGUMENT,
      'name',
    ]);
  });
});
