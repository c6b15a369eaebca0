import { ElasticsearchSearchDriver } from './elasticsearch-search.driver';
import { createSearchService } from './search-driver.factory';
import { type SearchHits, SearchService } from './search.service';

class StubSearchService extends SearchService {
  search(): Promise<SearchHits> {
    return Promise.resolve({ totalCount: 0, articleIds: [] });
  }
  index(): Promise<void> {
    return Promise.resolve();
  }
  remove(): Promise<void> {
    return Promise.resolve();
  }
  suggest(): Promise<string[]> {
    return Promise.resolve([]);
  }
  saveKeyword(): Promise<void> {
    return Promise.resolve();
  }
}

describe('createSearchService', () => {
  it('builds the mysql driver by default', () => {
    const mysql = new StubSearchService();
    expect(
      createSearchService({ SEARCH_DRIVER: 'mysql', ELASTICSEARCH_URL: undefined }, () => mysql),
    ).toBe(mysql);
  });

  it('builds the es driver against ELASTICSEARCH_URL, without building the mysql driver', () => {
    const mysql = jest.fn(() => new StubSearchService());
    const es = jest.fn(() => new StubSearchService());
    createSearchService(
      { SEARCH_DRIVER: 'es', ELASTICSEARCH_URL: 'http://127.0.0.1:9200' },
      mysql,
      es,
    );
    expect(es).toHaveBeenCalledWith('http://127.0.0.1:9200');
    expect(mysql).not.toHaveBeenCalled();
  });

  it('builds an Elasticsearch client driver by default for es', async () => {
    const engine = createSearchService(
      { SEARCH_DRIVER: 'es', ELASTICSEARCH_URL: 'http://127.0.0.1:9200' },
      () => new StubSearchService(),
    );
    expect(engine).toBeInstanceOf(ElasticsearchSearchDriver);
    await (engine as ElasticsearchSearchDriver).onApplicationShutdown();
  });

  it('fails fast for es without ELASTICSEARCH_URL', () => {
    const es = jest.fn(() => new StubSearchService());
    expect(() =>
      createSearchService(
        { SEARCH_DRIVER: 'es', ELASTICSEARCH_URL: undefined },
        () => new StubSearchService(),
        es,
      ),
    ).toThrow('ELASTICSEARCH_URL is required when SEARCH_DRIVER=es');
    expect(es).not.toHaveBeenCalled();
  });
});
