import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '@app/testing';

import { type Child, hasTaskset, pidOf, ROOT, runNode, startChild } from './processes';

const { grpcHealth } = createRequire(__filename)(join(ROOT, 'scripts', 'grpc-health.js')) as {
  grpcHealth: (address: string, service?: string, timeoutMs?: number) => Promise<string>;
};

export const APP_NAMES = ['user', 'news', 'recommend', 'gateway'] as const;
export type AppName = (typeof APP_NAMES)[number];

/**
 * The reference servers: `baseline` serves L1 and L2 (bare node:http), `framework` L3, L4 and L5
 * (Nest on Fastify), `service` the gRPC service L5 asks (Nest's gRPC transport).
 */
export type BaselineName = 'baseline' | 'framework' | 'service';

export interface SuitePorts {
  redis: number;
  user: number;
  news: number;
  recommend: number;
  gateway: number;
  baseline: number;
  /** L3, L4, L5: the framework baseline. */
  framework: number;
  /** The service L5 asks. */
  service: number;
}

export interface BenchEnvOptions {
  database: string;
  redisUrl: string;
  ports: SuitePorts;
  keysDir: string;
  mysql: { host: string; port: number; user: string; password: string };
}

/** Where the servers and the load generator run: servers on CPU 0, load on CPU 1 (when there are two). */
export interface Pinning {
  servers?: string;
  load?: string;
}

export function pinning(cpuCount: number, enabled: boolean): Pinning {
  if (!enabled || cpuCount < 2 || !hasTaskset()) return {};
  return { servers: '0', load: String(cpuCount - 1) };
}

export async function allocatePorts(): Promise<SuitePorts> {
  return {
    redis: await freePort(),
    user: await freePort(),
    news: await freePort(),
    recommend: await freePort(),
    gateway: await freePort(),
    baseline: await freePort(),
    framework: await freePort(),
    service: await freePort(),
  };
}

/** The bench environment: its own schema, its own Redis and key prefix, its own keys; nothing shared with development. */
export function benchEnv(options: BenchEnvOptions): NodeJS.ProcessEnv {
  const { ports } = options;
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    TZ: 'Asia/Shanghai',
    MYSQL_HOST: options.mysql.host,
    MYSQL_PORT: String(options.mysql.port),
    MYSQL_USER: options.mysql.user,
    MYSQL_PASSWORD: options.mysql.password,
    MYSQL_DATABASE: options.database,
    MYSQL_POOL_SIZE: '16',
    REDIS_CACHE_URL: `${options.redisUrl}/0`,
    REDIS_STATE_URL: `${options.redisUrl}/1`,
    REDIS_QUEUE_URL: `${options.redisUrl}/2`,
    REDIS_KEY_PREFIX: 'bench:',
    USER_GRPC_URL: `127.0.0.1:${ports.user}`,
    NEWS_GRPC_URL: `127.0.0.1:${ports.news}`,
    RECOMMEND_GRPC_URL: `127.0.0.1:${ports.recommend}`,
    USER_GRPC_PORT: String(ports.user),
    NEWS_GRPC_PORT: String(ports.news),
    RECOMMEND_GRPC_PORT: String(ports.recommend),
    GATEWAY_PORT: String(ports.gateway),
    HTTP_HOST: '127.0.0.1',
    JWT_KEYS_DIR: options.keysDir,
    JWT_SIGNING_KID: 'bench-1',
    TRACE_LOG_FILE: join(mkdtempSync(join(tmpdir(), 'tt-bench-trace-')), 'userClick.log'),
    STORAGE_LOCAL_DIR: join(tmpdir(), 'tt-bench-uploads'),
    BENCH_BASELINE_PORT: String(ports.baseline),
    BENCH_FRAMEWORK_PORT: String(ports.framework),
    BENCH_SERVICE_PORT: String(ports.service),
  };
}

const alias = ['-r', './scripts/register-aliases.js'];

export function migrate(env: NodeJS.ProcessEnv): void {
  for (const service of ['user', 'news'])
    runNode([...alias, `dist/apps/${service}/src/migrate.js`], env);
}

/** The flags each service runs with everywhere (`scripts/node-flags.js`), its heap cap included. */
export const { appNodeFlags, oldSpaceCapMiB } = createRequire(__filename)(
  join(ROOT, 'scripts', 'node-flags.js'),
) as {
  appNodeFlags: (app: string) => string[];
  oldSpaceCapMiB: (app: string) => number;
};

export function startApp(
  name: AppName,
  env: NodeJS.ProcessEnv,
  pin: Pinning,
  nodeFlags: string[] = [],
): Child {
  return startChild(
    name,
    process.execPath,
    [...appNodeFlags(name), ...nodeFlags, ...alias, `dist/apps/${name}/src/main.js`],
    env,
    pin.servers,
  );
}

export function startBaseline(env: NodeJS.ProcessEnv, pin: Pinning): Child {
  return startChild(
    'baseline',
    process.execPath,
    [...alias, 'dist/bench/baseline-server.js'],
    env,
    pin.servers,
  );
}

export function startFrameworkBaseline(env: NodeJS.ProcessEnv, pin: Pinning): Child {
  return startChild(
    'framework',
    process.execPath,
    [...appNodeFlags('gateway'), ...alias, 'dist/bench/framework-baseline-server.js'],
    env,
    pin.servers,
  );
}

export function startServiceBaseline(env: NodeJS.ProcessEnv, pin: Pinning): Child {
  return startChild(
    'service',
    process.execPath,
    [...appNodeFlags('news'), ...alias, 'dist/bench/service-baseline-server.js'],
    env,
    pin.servers,
  );
}

export function startRedis(port: number, pin: Pinning): Child {
  return startChild(
    'redis',
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--databases',
      '4',
    ],
    { PATH: process.env.PATH },
    pin.servers,
  );
}

async function httpReady(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).status === 200;
  } catch {
    return false;
  }
}

/** Waits for gRPC health (user, news, recommend, service) and /health/ready (gateway). */
export async function waitReady(
  name: AppName | BaselineName,
  ports: SuitePorts,
  child: Child,
  timeoutMs = 60_000,
): Promise<void> {
  const started = Date.now();
  const check = async (): Promise<boolean> => {
    if (name === 'gateway') return httpReady(`http://127.0.0.1:${ports.gateway}/health/ready`);
    if (name === 'baseline') return httpReady(`http://127.0.0.1:${ports.baseline}/ready`);
    if (name === 'framework') return httpReady(`http://127.0.0.1:${ports.framework}/app/l3/16`);
    if (name === 'service') return (await grpcHealth(`127.0.0.1:${ports.service}`)) === 'SERVING';
    return (await grpcHealth(`127.0.0.1:${ports[name]}`)) === 'SERVING';
  };
  while (Date.now() - started < timeoutMs) {
    if (child.process.exitCode !== null)
      throw new Error(`${name} exited during start-up:\n${child.tail.join('\n')}`);
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(
    `${name} (pid ${pidOf(child)}) not ready after ${timeoutMs / 1000}s:\n${child.tail.join('\n')}`,
  );
}
