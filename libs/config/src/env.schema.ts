import { isIPv4, isIPv6 } from 'node:net';

import { z } from 'zod';

// An empty value would coerce to 0, and port 0 listens anywhere the system picks.
const port = z.coerce.number().int().min(1).max(65535);
/** `redis://` or `rediss://`, with a database index or none. */
const redisUrl = z
  .url({ protocol: /^rediss?$/ })
  .refine(
    (value) => URL.canParse(value) && /^\/?\d*$/.test(new URL(value).pathname),
    'must end with a database index, such as /1',
  );

/**
 * An address grpc-js dials: `host:port` (a name, an IPv4 address or a bracketed IPv6 one), the same
 * after `dns:` or `dns://<dns server>/`, a list of addresses with their ports after `ipv4:` or
 * `ipv6:`, or `unix:<path>`. Without a port grpc-js dials 443, and a URL of another scheme
 * (`http://`) would fail every call instead of the start.
 */
export const grpcTarget = z
  .string()
  .refine(
    isGrpcTarget,
    'must be a gRPC address with its port: host:port, dns:///host:port, ipv4:<ip>:<port>,…, ipv6:[<ip>]:<port>,… or unix:<path>',
  );

/** A DNS name (a dot ends an absolute one), an IPv4 address, or an IPv6 one in brackets, a zone after `%`. */
const HOST_PORT = /^(?:\[([\dA-Fa-f:.]+)(?:%[\w.-]+)?\]|([\w-]+(?:\.[\w-]+)*\.?)):(\d{1,5})$/;

function isGrpcTarget(value: string): boolean {
  if (value.startsWith('unix:')) return /^unix:\S+$/.test(value);
  const list = /^(ipv4|ipv6):(.*)$/.exec(value);
  if (list) {
    const [, scheme, addresses] = list;
    return addresses.split(',').every((address) => {
      const [, bracketed, host, port] = HOST_PORT.exec(address) ?? [];
      return isPort(port) && (scheme === 'ipv4' ? isIPv4(host ?? '') : isIPv6(bracketed ?? ''));
    });
  }
  const [, bracketed, , port] = HOST_PORT.exec(value.replace(/^dns:(?:\/\/[^/\s]*\/)?/, '')) ?? [];
  return isPort(port) && (bracketed === undefined || isIPv6(bracketed));
}

function isPort(value: string | undefined): boolean {
  const port = Number(value);
  return port >= 1 && port <= 65535;
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
/** An optional setting where an empty value (e.g. `${VAR:-}` in compose) counts as unset. */
const optionalSetting = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/**
 * A node id of the Snowflake generator, 0 to 31. Empty is refused, not read as 0: k8s takes the
 * worker id from the pod-index label, which a cluster before Kubernetes 1.28 leaves unset.
 */
const snowflakeNodeId = z
  .string()
  .regex(/^\d{1,2}$/, 'must be a whole number from 0 to 31')
  .transform(Number)
  .pipe(z.number().max(31, 'must be a whole number from 0 to 31'))
  .default(0);

const REDIS_COMMAND_TIMEOUT_MESSAGE = 'must be a whole number of ms from 100 to 60000';

/** Settings every app shares: runtime, MySQL, the three Redis roles and service addresses. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Display time zone for JSON timestamps, and the day of the daily limits; storage is always UTC. */
  TZ: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone, such as Asia/Shanghai')
    .default('Asia/Shanghai'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  MYSQL_HOST: z.string().min(1).default('127.0.0.1'),
  MYSQL_PORT: port.default(3306),
  MYSQL_USER: z.string().min(1).default('root'),
  MYSQL_PASSWORD: z.string().default(''),
  MYSQL_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,64}$/)
    .default('toutiao'),
  MYSQL_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),

  REDIS_CACHE_URL: redisUrl.default('redis://127.0.0.1:6379/0'),
  REDIS_STATE_URL: redisUrl.default('redis://127.0.0.1:6379/1'),
  REDIS_QUEUE_URL: redisUrl.default('redis://127.0.0.1:6379/2'),
  /** Prefix for every Redis key and queue; lets several deployments or test runs share one server. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:-]*$/)
    .default(''),
  /**
   * How long a command of the cache and state clients waits for its reply before it is rejected (a
   * Redis that hangs keeps the connection open and answers nothing). Empty is refused.
   */
  REDIS_COMMAND_TIMEOUT_MS: z
    .string()
    .regex(/^\d+$/, REDIS_COMMAND_TIMEOUT_MESSAGE)
    .transform(Number)
    .pipe(
      z.number().min(100, REDIS_COMMAND_TIMEOUT_MESSAGE).max(60_000, REDIS_COMMAND_TIMEOUT_MESSAGE),
    )
    .default(2_000),

  USER_GRPC_URL: grpcTarget.default('127.0.0.1:50051'),
  NEWS_GRPC_URL: grpcTarget.default('127.0.0.1:50052'),
  RECOMMEND_GRPC_URL: grpcTarget.default('127.0.0.1:9999'),
  /** Deadline applied to every outgoing gRPC call that sets none of its own. */
  GRPC_DEADLINE_MS: z.coerce.number().int().min(10).max(60_000).default(3000),

  GATEWAY_PORT: port.default(8000),
  IM_PORT: port.default(8001),
  MP_PORT: port.default(8002),
  MIS_PORT: port.default(8003),
  WORKER_PORT: port.default(8004),
  USER_GRPC_PORT: port.default(50051),
  NEWS_GRPC_PORT: port.default(50052),
  RECOMMEND_GRPC_PORT: port.default(9999),
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),

  SNOWFLAKE_DATACENTER_ID: snowflakeNodeId,
  SNOWFLAKE_WORKER_ID: snowflakeNodeId,

  /** Base URL that turns stored image keys into URLs. */
  STORAGE_PUBLIC_URL: z.url().default('http://127.0.0.1:8000/static/'),
  /** Where uploaded images go: `local` (a folder the gateway serves at /static/) or `s3`. */
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  /** Folder of the `local` storage driver. */
  STORAGE_LOCAL_DIR: z.string().min(1).default('.data/uploads'),
  /** Largest accepted image upload, in bytes (5 MiB by default). */
  STORAGE_MAX_IMAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(100 * 1024 * 1024)
    .default(5 * 1024 * 1024),
  /** Bucket of the `s3` storage driver (required when STORAGE_DRIVER=s3). */
  S3_BUCKET: optionalSetting(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)),
  S3_REGION: z.string().min(1).default('us-east-1'),
  /** Endpoint of an S3-compatible store (SeaweedFS, RustFS); unset means AWS S3. */
  S3_ENDPOINT: optionalSetting(z.url()),
  /** Credentials of the `s3` storage driver (required when STORAGE_DRIVER=s3). */
  S3_ACCESS_KEY_ID: optionalSetting(z.string().min(1)),
  S3_SECRET_ACCESS_KEY: optionalSetting(z.string().min(1)),

  /** Folder of `<kid>.public.pem` (and, for the user service, `<kid>.private.pem`) RS256 keys. */
  JWT_KEYS_DIR: z.string().min(1).default('.keys'),
  /** The `kid` whose private key signs new tokens (read by the user service only). */
  JWT_SIGNING_KID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('dev-1'),

  /** Development only: every SMS code equals this value. Refused in production. */
  SMS_TEST_CODE: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  /** Run pending migrations at boot (development convenience; production runs the migration Job). */
  MIGRATIONS_RUN: booleanFlag.default(false),
});

export type BaseEnv = z.infer<typeof baseEnvSchema>;

/**
 * The port of a gRPC service's Prometheus `/metrics` listener, on HTTP_HOST; 0 serves none. Empty
 * is refused, not read as 0.
 */
export const metricsPort = (defaultPort: number) =>
  z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port, 0 to 65535 (0 serves no metrics)')
    .transform(Number)
    .pipe(z.number().max(65535, 'must be a port, 0 to 65535 (0 serves no metrics)'))
    .default(defaultPort);

const CONNECTION_AGE_MESSAGE = 'must be a whole number of ms: 0 (no limit), or 1000 to 86400000';
const GRACE_MESSAGE = 'must be a whole number of ms from 1000 to 3600000';
const DRAIN_MESSAGE = 'must be a whole number of ms from 1000 to 600000';
/**
 * How long a stop signal lets what is in progress (calls, requests) run before it is cut, so the
 * shutdown hooks still run and the process ends before Kubernetes kills it: under the pod's grace
 * period less its preStop pause (k8s: 30 s and 5 s), with room left for the hooks.
 */
const shutdownDrainMs = z
  .string()
  .regex(/^\d+$/, DRAIN_MESSAGE)
  .transform(Number)
  .pipe(z.number().min(1000, DRAIN_MESSAGE).max(600_000, DRAIN_MESSAGE))
  .default(15_000);

/**
 * Settings of the apps that serve gRPC (user, news, recommend). Empty is refused, not read as 0.
 */
export const grpcServerEnvSchema = baseEnvSchema.extend({
  /**
   * Age (give or take 10 %) at which the server asks a client to leave its connection (GOAWAY).
   * grpc-js clients resolve a `dns:///` target again only when a connection ends, so without it a
   * busy client never learns of replicas the autoscaler adds. 0 keeps connections for good.
   */
  GRPC_MAX_CONNECTION_AGE_MS: z
    .string()
    .regex(/^\d+$/, CONNECTION_AGE_MESSAGE)
    .transform(Number)
    .pipe(
      z
        .number()
        .refine((ms) => ms === 0 || (ms >= 1000 && ms <= 86_400_000), CONNECTION_AGE_MESSAGE),
    )
    .default(5 * 60_000),
  /**
   * How long calls already running on an aged connection may go on before it is closed under them.
   * At least the longest deadline a caller gives this service: the worker's counter repair
   * (COUNTER_REPAIR_DEADLINE_MS, 10 minutes by default) is the longest.
   */
  GRPC_MAX_CONNECTION_AGE_GRACE_MS: z
    .string()
    .regex(/^\d+$/, GRACE_MESSAGE)
    .transform(Number)
    .pipe(z.number().min(1000, GRACE_MESSAGE).max(3_600_000, GRACE_MESSAGE))
    .default(10 * 60_000),
  /** How long a stop signal lets the calls in progress run before they are cancelled. */
  GRPC_SHUTDOWN_DRAIN_MS: shutdownDrainMs,
});

export type GrpcServerEnv = z.infer<typeof grpcServerEnvSchema>;

/** Settings of the apps that answer HTTP through `createHttpApp` (gateway, media-platform, mis). */
export const httpAppEnvSchema = baseEnvSchema.extend({
  /**
   * Proxies in front of the app that append the address they saw to X-Forwarded-For: 1 behind
   * the Ingress, 0 when the port is published directly (the socket address is then the caller's,
   * as every entry of the header is whatever the client wrote). Empty is refused, not read as 0.
   */
  TRUSTED_PROXY_HOPS: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of proxy hops, 0 or more')
    .transform(Number)
    .default(1),
  /** How long a stop signal lets the requests in progress run before their connections are cut. */
  HTTP_SHUTDOWN_DRAIN_MS: shutdownDrainMs,
});

export type HttpAppEnv = z.infer<typeof httpAppEnvSchema>;

/** Rules that span several settings. */
export function refineBaseEnv(env: BaseEnv, ctx: z.RefinementCtx): void {
  if (env.NODE_ENV === 'production' && env.SMS_TEST_CODE !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['SMS_TEST_CODE'],
      message: 'SMS_TEST_CODE must not be set when NODE_ENV=production',
    });
  }
  // A command Redis has not answered would outlive its caller's deadline: the caller gives up (and
  // may retry, which under the strict refresh policy ends the session) while it may still run.
  if (env.REDIS_COMMAND_TIMEOUT_MS >= env.GRPC_DEADLINE_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_COMMAND_TIMEOUT_MS'],
      message: `REDIS_COMMAND_TIMEOUT_MS (${env.REDIS_COMMAND_TIMEOUT_MS}) must stay under GRPC_DEADLINE_MS (${env.GRPC_DEADLINE_MS}), so a service answers 503 before its caller gives up`,
    });
  }
  refineStorageEnv(env, ctx);
}

const S3_REQUIRED = ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;

/** The `s3` storage driver cannot start without its bucket and credentials: fail at boot. */
export function refineStorageEnv(env: BaseEnv, ctx: z.RefinementCtx): void {
  if (env.STORAGE_DRIVER !== 's3') return;
  for (const name of S3_REQUIRED) {
    if (env[name] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `${name} is required when STORAGE_DRIVER=s3`,
      });
    }
  }
}
