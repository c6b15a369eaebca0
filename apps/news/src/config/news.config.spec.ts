import { ConfigValidationError, loadConfig } from '@app/config';

import { newsEnvSchema } from './news.config';

describe('newsEnvSchema', () => {
  it('searches with the mysql driver by default', () => {
    const config = loadConfig(newsEnvSchema, {});
    expect(config.SEARCH_DRIVER).toBe('mysql');
    expect(config.ELASTICSEARCH_URL).toBeUndefined();
  });

  it('accepts the es driver with its node URL', () => {
    const config = loadConfig(newsEnvSchema, {
      SEARCH_DRIVER: 'es',
      ELASTICSEARCH_URL: 'http://127.0.0.1:9200',
    });
    expect(config.SEARCH_DRIVER).toBe('es');
  });

  it('refuses the es driver without a node URL, and unknown drivers', () => {
    expect(() => loadConfig(newsEnvSchema, { SEARCH_DRIVER: 'es' })).toThrow(
      /ELASTICSEARCH_URL is required/,
    );
    expect(() => loadConfig(newsEnvSchema, { SEARCH_DRIVER: 'solr' })).toThrow(
      ConfigValidationError,
    );
  });

  it("keeps a long article's time in the HTML worker, waiting and parsing, under the callers' gRPC deadline", () => {
    const config = loadConfig(newsEnvSchema, {});
    expect(config.ARTICLE_HTML_TIME_LIMIT_MS + config.ARTICLE_HTML_WAIT_LIMIT_MS).toBeLessThan(
      config.GRPC_DEADLINE_MS,
    );
    expect(() => loadConfig(newsEnvSchema, { GRPC_DEADLINE_MS: '2500' })).toThrow(
      /must stay under GRPC_DEADLINE_MS/,
    );
    expect(
      loadConfig(newsEnvSchema, { GRPC_DEADLINE_MS: '2500', ARTICLE_HTML_TIME_LIMIT_MS: '1500' })
        .ARTICLE_HTML_TIME_LIMIT_MS,
    ).toBe(1500);
  });

  it('limits the comments of an account by default, and refuses a limit that lets none through', () => {
    const config = loadConfig(newsEnvSchema, {});
    expect([config.COMMENT_LIMIT_PER_MINUTE, config.COMMENT_LIMIT_PER_DAY]).toEqual([10, 300]);
    for (const name of ['COMMENT_LIMIT_PER_MINUTE', 'COMMENT_LIMIT_PER_DAY']) {
      expect(() => loadConfig(newsEnvSchema, { [name]: '0' })).toThrow(ConfigValidationError);
      expect(() => loadConfig(newsEnvSchema, { [name]: '2.5' })).toThrow(ConfigValidationError);
    }
    expect(
      loadConfig(newsEnvSchema, { COMMENT_LIMIT_PER_MINUTE: '100' }).COMMENT_LIMIT_PER_MINUTE,
    ).toBe(100);
  });
  it('takes AUTO_APPROVE_AUTHORS as user ids, and refuses an entry that can be no user id', () => {
    expect(loadConfig(newsEnvSchema, {}).AUTO_APPROVE_AUTHORS).toEqual([]);
    expect(
      loadConfig(newsEnvSchema, { AUTO_APPROVE_AUTHORS: ' 1, 1300000000000000001 ' })
        .AUTO_APPROVE_AUTHORS,
    ).toEqual(['1', '1300000000000000001']);
    for (const ids of ['0', '007', '1,abc', '123456789012345678901']) {
      expect(() => loadConfig(newsEnvSchema, { AUTO_APPROVE_AUTHORS: ids })).toThrow(
        ConfigValidationError,
      );
    }
  });
});
