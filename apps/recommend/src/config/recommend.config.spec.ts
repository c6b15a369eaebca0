import { loadConfig } from '@app/config';

import { recommendEnvSchema } from './recommend.config';

describe('recommend config', () => {
  it('defaults to the documented weights, half-life and intervals', () => {
    const config = loadConfig(recommendEnvSchema, { NODE_ENV: 'test' });
    expect(config.RECO_ALGO1_WEIGHTS).toEqual({ recency: 1, popularity: 0.25, interest: 0.5 });
    expect(config.RECO_HALF_LIFE_HOURS).toBe(24);
    expect(config.RECO_REFRESH_INTERVAL_MS).toBe(900_000);
    expect(config.RECO_SNAPSHOT_INTERVAL_MS).toBe(10_000);
    expect(config.RECO_BATCH_HISTORY_SIZE).toBe(50);
    expect(config.RECOMMEND_GRPC_PORT).toBe(9999);
  });

  it('parses weights written as recency:popularity:interest', () => {
    const config = loadConfig(recommendEnvSchema, {
      NODE_ENV: 'test',
      RECO_ALGO2_WEIGHTS: '0.2:1:0',
    });
    expect(config.RECO_ALGO2_WEIGHTS).toEqual({ recency: 0.2, popularity: 1, interest: 0 });
  });

  it('refuses malformed weights and a zero half-life', () => {
    expect(() =>
      loadConfig(recommendEnvSchema, { NODE_ENV: 'test', RECO_ALGO1_WEIGHTS: '1,2,3' }),
    ).toThrow(/RECO_ALGO1_WEIGHTS/);
    expect(() =>
      loadConfig(recommendEnvSchema, { NODE_ENV: 'test', RECO_HALF_LIFE_HOURS: '0' }),
    ).toThrow(/RECO_HALF_LIFE_HOURS/);
  });

  it('publishes at most 9 cold-start batches, so a first refill has room for new articles', () => {
    expect(loadConfig(recommendEnvSchema, { NODE_ENV: 'test' }).RECO_COLD_START_BATCHES).toBe(5);
    expect(
      loadConfig(recommendEnvSchema, { NODE_ENV: 'test', RECO_COLD_START_BATCHES: '9' })
        .RECO_COLD_START_BATCHES,
    ).toBe(9);
    expect(() =>
      loadConfig(recommendEnvSchema, { NODE_ENV: 'test', RECO_COLD_START_BATCHES: '10' }),
    ).toThrow(/RECO_COLD_START_BATCHES/);
  });
});
