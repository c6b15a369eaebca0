import { loadConfig } from '@app/config';

import { imEnvSchema } from './im.config';

describe('imEnvSchema', () => {
  it('defaults to port 8001, a 300 s ping timeout and the built-in bot', () => {
    const config = loadConfig(imEnvSchema, {});
    expect(config.IM_PORT).toBe(8001);
    expect(config.IM_PING_TIMEOUT_MS).toBe(300_000);
    expect(config.CHATBOT_GRPC_URL).toBeUndefined();
  });

  it('reads TRUSTED_PROXY_HOPS as the HTTP apps do: 1 by default, a whole number', () => {
    expect(loadConfig(imEnvSchema, {}).TRUSTED_PROXY_HOPS).toBe(1);
    expect(loadConfig(imEnvSchema, { TRUSTED_PROXY_HOPS: '0' }).TRUSTED_PROXY_HOPS).toBe(0);
    expect(() => loadConfig(imEnvSchema, { TRUSTED_PROXY_HOPS: '' })).toThrow(/TRUSTED_PROXY_HOPS/);
  });

  it('caps the sockets of a caller address at 200 by default, 0 for no cap, and refuses a negative cap', () => {
    expect(loadConfig(imEnvSchema, {}).IM_MAX_CONNECTIONS_PER_IP).toBe(200);
    expect(
      loadConfig(imEnvSchema, { IM_MAX_CONNECTIONS_PER_IP: '0' }).IM_MAX_CONNECTIONS_PER_IP,
    ).toBe(0);
    expect(() => loadConfig(imEnvSchema, { IM_MAX_CONNECTIONS_PER_IP: '-1' })).toThrow(
      /IM_MAX_CONNECTIONS_PER_IP/,
    );
  });

  it('refuses an empty or blank connection cap, where it read as 0 and capped nothing', () => {
    for (const value of ['', ' '])
      expect(() => loadConfig(imEnvSchema, { IM_MAX_CONNECTIONS_PER_IP: value })).toThrow(
        /IM_MAX_CONNECTIONS_PER_IP/,
      );
  });

  it('reads the chatbot address and refuses a nonsense timeout', () => {
    expect(loadConfig(imEnvSchema, { CHATBOT_GRPC_URL: '127.0.0.1:8500' }).CHATBOT_GRPC_URL).toBe(
      '127.0.0.1:8500',
    );
    expect(() => loadConfig(imEnvSchema, { IM_PING_TIMEOUT_MS: 'soon' })).toThrow(
      /IM_PING_TIMEOUT_MS/,
    );
  });

  it('keeps the shared production rules', () => {
    expect(() =>
      loadConfig(imEnvSchema, { NODE_ENV: 'production', SMS_TEST_CODE: '246810' }),
    ).toThrow(/SMS_TEST_CODE/);
  });
});
