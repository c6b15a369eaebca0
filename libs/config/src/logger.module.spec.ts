import { Controller, Get } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoLogger } from 'nestjs-pino';

import type { BaseEnv } from './env.schema';
import { AppLoggerModule } from './logger.module';

@Controller()
class PingController {
  @Get('ping')
  ping(): string {
    return 'pong';
  }
}

async function requestLines(config: Pick<BaseEnv, 'LOG_LEVEL' | 'NODE_ENV'>): Promise<unknown[][]> {
  const moduleRef = await Test.createTestingModule({
    imports: [AppLoggerModule.forRoot(config, 'logger-spec')],
    controllers: [PingController],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const info = jest.spyOn(PinoLogger.root, 'info').mockImplementation(() => undefined);
  try {
    for (const url of ['/ping', '/health/live']) await app.inject({ method: 'GET', url });
    return info.mock.calls.filter((call) => call[1] === 'request completed');
  } finally {
    info.mockRestore();
    await app.close();
  }
}

describe('AppLoggerModule request lines', () => {
  it('logs one line per request at info, with method, url, status and time, and none for probes', async () => {
    const lines = await requestLines({ LOG_LEVEL: 'info', NODE_ENV: 'production' });
    expect(lines).toHaveLength(1);
    const { method, url, statusCode, responseTime } = lines[0][0] as Record<string, unknown>;
    expect({ method, url, statusCode }).toEqual({ method: 'GET', url: '/ping', statusCode: 200 });
    expect(responseTime).toBeGreaterThanOrEqual(0);
  });

  it('logs no request line at warn or in tests', async () => {
    expect(await requestLines({ LOG_LEVEL: 'warn', NODE_ENV: 'production' })).toHaveLength(0);
    expect(await requestLines({ LOG_LEVEL: 'info', NODE_ENV: 'test' })).toHaveLength(0);
  });
});
