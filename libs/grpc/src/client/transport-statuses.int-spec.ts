import { createServer, type Http2Server, type ServerHttp2Session } from 'node:http2';

import { userV1 } from '@app/contracts';
import { freePort } from '@app/testing';
import { Body, Controller, type INestMicroservice, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

import { configureHttpApp } from '../edge/configure-http-app';
import { AppError } from '../errors/app-error';
import { GrpcExceptionFilter } from '../server/grpc-exception.filter';
import { GrpcHealth } from '../server/grpc-health';
import { grpcServerOptions } from '../server/grpc-server-options';
import { USER_GRPC } from '../services';
import { unary } from './call';
import { GrpcClientModule, InjectGrpcClient } from './grpc-client.module';

/** Over grpc-js' default message limit of 4 MiB. */
const OVER_MESSAGE_LIMIT = 5_000_000;

/** A user service of which only GetUser is served, as by a build older than its callers. */
@Controller()
class SizedUserController implements Pick<userV1.UserServiceController, 'getUser'> {
  @GrpcMethod(userV1.USER_SERVICE_NAME, 'GetUser')
  getUser(request: userV1.GetUserRequest): userV1.GetUserResponse {
    if (request.userId === 'limited') throw AppError.rateLimited();
    const name = request.userId === 'large-reply' ? 'x'.repeat(OVER_MESSAGE_LIMIT) : 'small';
    return {
      user: {
        id: '1',
        name,
        photo: '',
        isMedia: false,
        intro: '',
        certi: '',
        artCount: '0',
        followCount: '0',
        fansCount: '0',
        likeCount: '0',
      },
    };
  }
}

@Module({ controllers: [SizedUserController] })
class SizedUserModule {}

/**
 * An HTTP app with the shared edge, whose body limit (8 MiB, as a route taking base64 images)
 * lets through a body over the gRPC message limit: `POST /app/users` calls GetUser with the body's
 * `userId`, `POST /app/users/names` GetUserNames.
 */
async function httpEdgeFor(url: string): Promise<NestFastifyApplication> {
  @Controller('users')
  class UsersHttpController {
    constructor(@InjectGrpcClient(USER_GRPC) private readonly users: userV1.UserServiceClient) {}

    @Post()
    async get(@Body() body: { userId: string }): Promise<{ name: string }> {
      const { user } = await unary(this.users.getUser({ userId: body.userId }));
      return { name: user?.name ?? '' };
    }

    @Post('names')
    async names(): Promise<{ count: number }> {
      const { users } = await unary(this.users.getUserNames({ userIds: ['1'] }));
      return { count: users.length };
    }
  }
  @Module({
    imports: [GrpcClientModule.register([{ service: USER_GRPC, url, deadlineMs: 5000 }])],
    controllers: [UsersHttpController],
  })
  class EdgeModule {}
  const app = await NestFactory.create<NestFastifyApplication>(
    EdgeModule,
    new FastifyAdapter({ bodyLimit: 8 * 1024 * 1024 }),
    { logger: false },
  );
  configureHttpApp(app, 'app');
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

async function post(
  edge: NestFastifyApplication,
  url: string,
  body: object,
): Promise<[number, unknown]> {
  const reply = await edge.inject({ method: 'POST', url, payload: body });
  return [reply.statusCode, reply.json()];
}

describe('HTTP answers to what the gRPC transport ends a call with', () => {
  let service: INestMicroservice;
  let edge: NestFastifyApplication;

  beforeAll(async () => {
    const url = `127.0.0.1:${await freePort()}`;
    service = await NestFactory.createMicroservice(SizedUserModule, {
      ...grpcServerOptions([USER_GRPC], url, new GrpcHealth([])),
      logger: false,
    });
    service.useGlobalFilters(new GrpcExceptionFilter());
    await service.listen();
    edge = await httpEdgeFor(url);
  });

  afterAll(async () => {
    await edge.close();
    await service.close();
  });

  it("answers a service's own rate limit 429 with its message", async () => {
    expect(await post(edge, '/app/users', { userId: 'limited' })).toEqual([
      429,
      { message: 'Too many requests.' },
    ]);
  });

  it('answers a request too large for a gRPC message 413 as a body over the limit, not 429 with the transport text', async () => {
    expect(await post(edge, '/app/users', { userId: 'x'.repeat(OVER_MESSAGE_LIMIT) })).toEqual([
      413,
      { message: 'Request body is too large' },
    ]);
    expect(await post(edge, '/app/users', { userId: 'small' })).toEqual([
      201,
      { message: 'OK', data: { name: 'small' } },
    ]);
  });

  it('answers a reply too large for a gRPC message 500 as any internal fault, without the transport text', async () => {
    expect(await post(edge, '/app/users', { userId: 'large-reply' })).toEqual([
      500,
      { message: 'Internal server error.' },
    ]);
  });

  it('answers a method the service does not serve yet (an older build in a rolling deploy) 503, to be tried again', async () => {
    expect(await post(edge, '/app/users/names', {})).toEqual([
      503,
      { message: 'Service unavailable.' },
    ]);
  });
});

describe('HTTP answers to an HTTP refusal between the apps (a proxy answering 401 or 403)', () => {
  let proxy: Http2Server;
  const sessions = new Set<ServerHttp2Session>();
  let edge: NestFastifyApplication;

  beforeAll(async () => {
    proxy = createServer();
    proxy.on('session', (session) => sessions.add(session));
    proxy.on('stream', (stream, headers) => {
      const status = String(headers[':path']).endsWith('/GetUserNames') ? 403 : 401;
      stream.respond({ ':status': status, 'content-type': 'text/plain' });
      stream.end('denied');
    });
    const port = await freePort();
    await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
    edge = await httpEdgeFor(`127.0.0.1:${port}`);
  });

  afterAll(async () => {
    await edge.close();
    // The edge's channel keeps its connection: the server closes once it is gone.
    for (const session of sessions) session.destroy();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it("answers 500 without the transport text, not the caller's own 401 (which signs the app out) or 403", async () => {
    expect(await post(edge, '/app/users', { userId: '1' })).toEqual([
      500,
      { message: 'Internal server error.' },
    ]);
    expect(await post(edge, '/app/users/names', {})).toEqual([
      500,
      { message: 'Internal server error.' },
    ]);
  });
});
