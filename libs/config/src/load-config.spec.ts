import { z } from 'zod';

import { baseEnvSchema, refineBaseEnv } from './env.schema';
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

  it('refuses SMS_TEST_CODE in production', () => {
    expect(() => loadConfig(schema, { NODE_ENV: 'production', SMS_TEST_CODE: '246810' })).toThrow(
      /SMS_TEST_CODE/,
    );
    expect(loadConfig(schema, { NODE_ENV: 'development', SMS_TEST_CODE: '246810' }).SMS_TEST_CODE).toBe(
      '246810',
    );
  });

  it('rejects a database name that could inject SQL', () => {
    expect(() => loadConfig(schema, { MYSQL_DATABASE: 'x; DROP DATABASE y' })).toThrow(/MYSQL_DATABASE/);
  });

  it('parses boolean flags strictly', () => {
    expect(loadConfig(schema, { MIGRATIONS_RUN: 'true' }).MIGRATIONS_RUN).toBe(true);
    expect(loadConfig(schema, { MIGRATIONS_RUN: '0' }).MIGRATIONS_RUN).toBe(false);
    expect(() => loadConfig(schema, { MIGRATIONS_RUN: 'yes' })).toThrow(/MIGRATIONS_RUN/);
  });

  it('works with app-specific extensions', () => {
    const extended = baseEnvSchema.extend({ EXTRA: z.string().min(2) });
    expect(() => loadConfig(extended, {})).toThrow(/EXTRA/);
  });
});
