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
});
