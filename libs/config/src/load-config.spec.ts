import { z } from 'zod';

import { baseEnvSchema, grpcServerEnvSchema, httpAppEnvSchema, refineBaseEnv } from './env.schema';
import { ConfigValidationError, loadConfig } from './load-config';

const schema = baseEnvSchema.superRefine(refineBaseEnv);

describe('loadConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = loadConfig(schema, { GATEWAY_PORT: '9100' });
    expect(config.GATEWAY_PORT).toBe(9100);
    expect(config.MYSQL_HOST).toBe('127.0.0.1');
    expect(config.TZ).toBe('Asia/Shanghai');
    expect(config.SMS_TEST_CODE).toBeUndefined();
  });

  it('lists every invalid setting', () => {
    const attempt = () => loadConfig(schema, { GATEWAY_PORT: 'abc', REDIS_CACHE_URL: 'nope' });
    expect(attempt).toThrow(ConfigValidationError);
    try {
      attempt();
    } catch (error) {
      const issues = (error as ConfigValidationError).issues.join('\n');
      expect(issues).toContain('GATEWAY_PORT');
      expect(issues).toContain('REDIS_CACHE_URL');
    }
  });

  it('refuses an empty port, an unknown time zone and a Redis URL that is not redis:// with a database index', () => {
    const refused: Array<[string, string]> = [
      ['GATEWAY_PORT', ''],
      ['GATEWAY_PORT', '0'],
      ['TZ', 'Mars/Phobos'],
      ['TZ', 'Asia/Shangai'],
      ['REDIS_STATE_URL', 'localhost:6379'],
      ['REDIS_STATE_URL', 'http://127.0.0.1:6379/1'],
      ['REDIS_STATE_URL', 'redis://127.0.0.1:6379/abc'],
    ];
    for (const [name, value] of refused) {
      expect({
        name,
        value,
        refused: refuses(() => loadConfig(schema, { NODE_ENV: 'test', [name]: value }), name),
      }).toEqual({
        name,
        value,
        refused: true,
      });
    }
    const accepted = loadConfig(schema, {
      NODE_ENV: 'test',
      TZ: 'Europe/Berlin',
      REDIS_STATE_URL: 'rediss://cache.example:6380/3',
      REDIS_CACHE_URL: 'redis://127.0.0.1:6379',
    });
    expect([accepted.TZ, accepted.REDIS_STATE_URL, accepted.REDIS_CACHE_URL]).toEqual([
      'Europe/Berlin',
      'rediss://cache.example:6380/3',
      'redis://127.0.0.1:6379',
    ]);
  });

  it('refuses SMS_TEST_CODE in production', () => {
    expect(() => loadConfig(schema, { NODE_ENV: 'production', SMS_TEST_CODE: '246810' })).toThrow(
      /SMS_TEST_CODE/,
    );
    expect(
      loadConfig(schema, { NODE_ENV: 'development', SMS_TEST_CODE: '246810' }).SMS_TEST_CODE,
    ).toBe('246810');
  });

  it('fails fast when STORAGE_DRIVER=s3 lacks its bucket or credentials', () => {
    const s3 = {
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'toutiao-images',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
    };
    const issues = (env: NodeJS.ProcessEnv): string[] => {
      try {
        loadConfig(schema, env);
        return [];
      } catch (error) {
        if (!(error instanceof ConfigValidationError)) throw error;
        return error.issues;
      }
    };
    expect(issues({ ...s3, S3_BUCKET: undefined })).toEqual([
      'S3_BUCKET: S3_BUCKET is required when STORAGE_DRIVER=s3',
    ]);
    // Compose passes unset variables as empty strings.
    expect(issues({ STORAGE_DRIVER: 's3', S3_BUCKET: '', S3_ACCESS_KEY_ID: '' })).toEqual([
      'S3_BUCKET: S3_BUCKET is required when STORAGE_DRIVER=s3',
      'S3_ACCESS_KEY_ID: S3_ACCESS_KEY_ID is required when STORAGE_DRIVER=s3',
      'S3_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY is required when STORAGE_DRIVER=s3',
    ]);
    expect(issues({ S3_BUCKET: 'Not_A_Bucket' }).join('\n')).toContain('S3_BUCKET');
    expect(issues({ S3_ENDPOINT: 'seaweedfs' }).join('\n')).toContain('S3_ENDPOINT');

    const config = loadConfig(schema, { ...s3, S3_ENDPOINT: 'http://seaweedfs:8333' });
    expect(config).toMatchObject({
      ...s3,
      S3_REGION: 'us-east-1',
      S3_ENDPOINT: 'http://seaweedfs:8333',
    });
    expect(loadConfig(schema, { S3_BUCKET: '', S3_ENDPOINT: '' })).toMatchObject({
      STORAGE_DRIVER: 'local',
      S3_BUCKET: undefined,
      S3_ENDPOINT: undefined,
    });
  });

  it('rejects a database name that could inject SQL', () => {
    expect(() => loadConfig(schema, { MYSQL_DATABASE: 'x; DROP DATABASE y' })).toThrow(
      /MYSQL_DATABASE/,
    );
  });

  it('parses boolean flags strictly', () => {
    expect(loadConfig(schema, { MIGRATIONS_RUN: 'true' }).MIGRATIONS_RUN).toBe(true);
    expect(loadConfig(schema, { MIGRATIONS_RUN: '0' }).MIGRATIONS_RUN).toBe(false);
    expect(() => loadConfig(schema, { MIGRATIONS_RUN: 'yes' })).toThrow(/MIGRATIONS_RUN/);
  });

  it('reads TRUSTED_PROXY_HOPS of the HTTP apps as a whole number of hops, 1 by default', () => {
    const httpSchema = httpAppEnvSchema.superRefine(refineBaseEnv);
    expect(loadConfig(httpSchema, {}).TRUSTED_PROXY_HOPS).toBe(1);
    expect(loadConfig(httpSchema, { TRUSTED_PROXY_HOPS: '0' }).TRUSTED_PROXY_HOPS).toBe(0);
    expect(loadConfig(httpSchema, { TRUSTED_PROXY_HOPS: '2' }).TRUSTED_PROXY_HOPS).toBe(2);
    for (const value of ['-1', '1.5', '', ' ', 'one', '0x1', '1e1']) {
      expect({
        value,
        refused: refuses(
          () => loadConfig(httpSchema, { TRUSTED_PROXY_HOPS: value }),
          'TRUSTED_PROXY_HOPS',
        ),
      }).toEqual({
        value,
        refused: true,
      });
    }
  });

  it('reads HTTP_SHUTDOWN_DRAIN_MS of the HTTP apps as whole ms, 15 s by default, refusing an empty one', () => {
    const httpSchema = httpAppEnvSchema.superRefine(refineBaseEnv);
    expect(loadConfig(httpSchema, {}).HTTP_SHUTDOWN_DRAIN_MS).toBe(15_000);
    expect(loadConfig(httpSchema, { HTTP_SHUTDOWN_DRAIN_MS: '2000' }).HTTP_SHUTDOWN_DRAIN_MS).toBe(
      2_000,
    );
    for (const value of ['', ' ', '0', '999', '1.5', '1e4', '600001']) {
      expect({
        value,
        refused: refuses(
          () => loadConfig(httpSchema, { HTTP_SHUTDOWN_DRAIN_MS: value }),
          'HTTP_SHUTDOWN_DRAIN_MS',
        ),
      }).toEqual({
        value,
        refused: true,
      });
    }
  });

  it('reads REDIS_COMMAND_TIMEOUT_MS as whole ms from 100 to 60000, 2 s by default, refusing an empty one', () => {
    expect(loadConfig(schema, {}).REDIS_COMMAND_TIMEOUT_MS).toBe(2_000);
    expect(loadConfig(schema, { REDIS_COMMAND_TIMEOUT_MS: '500' }).REDIS_COMMAND_TIMEOUT_MS).toBe(
      500,
    );
    for (const value of ['', ' ', '0', '99', '1.5', '1e4', '60001', '-1']) {
      expect({
        value,
        refused: refuses(
          () => loadConfig(schema, { REDIS_COMMAND_TIMEOUT_MS: value }),
          'REDIS_COMMAND_TIMEOUT_MS',
        ),
      }).toEqual({
        value,
        refused: true,
      });
    }
  });

  it('refuses a REDIS_COMMAND_TIMEOUT_MS at or past GRPC_DEADLINE_MS, naming both, in every app', () => {
    // A command still waiting for Redis when the caller's deadline passed answers nobody, and the
    // caller's retry may run while it still can (under the strict refresh policy, ending the session).
    const schemas = {
      base: schema,
      grpc: grpcServerEnvSchema.superRefine(refineBaseEnv),
      http: httpAppEnvSchema.superRefine(refineBaseEnv),
    };
    for (const [app, appSchema] of Object.entries(schemas)) {
      for (const env of [
        { REDIS_COMMAND_TIMEOUT_MS: '3000' },
        { REDIS_COMMAND_TIMEOUT_MS: '5000' },
        { GRPC_DEADLINE_MS: '2000' },
        { GRPC_DEADLINE_MS: '50' },
      ]) {
        expect({ app, env, issues: issuesOf(() => loadConfig(appSchema, env)) }).toEqual({
          app,
          env,
          issues: [
            expect.stringMatching(/^REDIS_COMMAND_TIMEOUT_MS: .*must stay under GRPC_DEADLINE_MS/),
          ],
        });
      }
      expect(loadConfig(appSchema, { REDIS_COMMAND_TIMEOUT_MS: '2999' })).toMatchObject({
        REDIS_COMMAND_TIMEOUT_MS: 2_999,
        GRPC_DEADLINE_MS: 3_000,
      });
      expect(
        loadConfig(appSchema, { REDIS_COMMAND_TIMEOUT_MS: '5000', GRPC_DEADLINE_MS: '10000' }),
      ).toMatchObject({
        REDIS_COMMAND_TIMEOUT_MS: 5_000,
        GRPC_DEADLINE_MS: 10_000,
      });
    }
  });

  it('reads the Snowflake node ids as whole numbers from 0 to 31, refusing an empty one where it read 0', () => {
    // k8s sets SNOWFLAKE_WORKER_ID from the pod-index label; where Kubernetes sets no such label
    // the value is empty, and read as 0 every pod would make the same ids.
    expect(loadConfig(schema, {}).SNOWFLAKE_WORKER_ID).toBe(0);
    expect(
      loadConfig(schema, { SNOWFLAKE_WORKER_ID: '31', SNOWFLAKE_DATACENTER_ID: '7' }),
    ).toMatchObject({
      SNOWFLAKE_WORKER_ID: 31,
      SNOWFLAKE_DATACENTER_ID: 7,
    });
    for (const name of ['SNOWFLAKE_WORKER_ID', 'SNOWFLAKE_DATACENTER_ID']) {
      for (const value of ['', ' ', '-1', '32', '1.5', 'one', '0x1']) {
        expect({
          name,
          value,
          refused: refuses(() => loadConfig(schema, { [name]: value }), name),
        }).toEqual({
          name,
          value,
          refused: true,
        });
      }
    }
  });

  it("reads the gRPC servers' connection age (0: none), its grace and the shutdown drain as whole ms, refusing an empty one", () => {
    const grpcSchema = grpcServerEnvSchema.superRefine(refineBaseEnv);
    expect(loadConfig(grpcSchema, {})).toMatchObject({
      GRPC_MAX_CONNECTION_AGE_MS: 300_000,
      GRPC_MAX_CONNECTION_AGE_GRACE_MS: 600_000,
      GRPC_SHUTDOWN_DRAIN_MS: 15_000,
    });
    expect(loadConfig(grpcSchema, { GRPC_SHUTDOWN_DRAIN_MS: '2000' }).GRPC_SHUTDOWN_DRAIN_MS).toBe(
      2_000,
    );
    expect(
      loadConfig(grpcSchema, { GRPC_MAX_CONNECTION_AGE_MS: '0' }).GRPC_MAX_CONNECTION_AGE_MS,
    ).toBe(0);
    expect(
      loadConfig(grpcSchema, {
        GRPC_MAX_CONNECTION_AGE_MS: '60000',
        GRPC_MAX_CONNECTION_AGE_GRACE_MS: '30000',
      }),
    ).toMatchObject({
      GRPC_MAX_CONNECTION_AGE_MS: 60_000,
      GRPC_MAX_CONNECTION_AGE_GRACE_MS: 30_000,
    });
    const refused = {
      GRPC_MAX_CONNECTION_AGE_MS: ['', ' ', '-1', '1', '999', '1.5', '1e4', '86400001'],
      GRPC_MAX_CONNECTION_AGE_GRACE_MS: ['', '0', '999', '1.5', '3600001'],
      GRPC_SHUTDOWN_DRAIN_MS: ['', ' ', '0', '999', '1.5', '1e4', '600001'],
    };
    for (const [name, values] of Object.entries(refused)) {
      for (const value of values) {
        expect({
          name,
          value,
          refused: refuses(() => loadConfig(grpcSchema, { [name]: value }), name),
        }).toEqual({
          name,
          value,
          refused: true,
        });
      }
    }
  });

  it('works with app-specific extensions', () => {
    const extended = baseEnvSchema.extend({ EXTRA: z.string().min(2) });
    expect(() => loadConfig(extended, {})).toThrow(/EXTRA/);
  });
});

/** The issues of the config error `load` throws, none when it loads. */
function issuesOf(load: () => unknown): string[] {
  try {
    load();
    return [];
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    return error.issues;
  }
}

/** Whether `load` throws a config error that names `setting`. */
function refuses(load: () => unknown, setting: string): boolean {
  try {
    load();
    return false;
  } catch (error) {
    return (
      error instanceof ConfigValidationError &&
      error.issues.some((issue) => issue.includes(setting))
    );
  }
}
