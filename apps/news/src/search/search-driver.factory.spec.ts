import { createSearchService, esDriverUnavailableReason } from './search-driver.factory';
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
}

describe('createSearchService', () => {
  it('builds the mysql driver by default', () => {
    const mysql = new StubSearchService();
    expect(
      createSearchService({ SEARCH_DRIVER: 'mysql', ELASTICSEARCH_URL: undefined }, () => mysql),
    ).toBe(mysql);
  });

  it('fails the boot for es, naming the packages it needs, without building the mysql driver', () => {
    const mysql = jest.fn(() => new StubSearchService());
    const build = () =>
      createSearchService(
        { SEARCH_DRIVER: 'es', ELASTICSEARCH_URL: 'http://127.0.0.1:9200' },
        mysql,
      );
    expect(build).toThrow('@elastic/elasticsearch 9');
    expect(build).toThrow('@elastic/elasticsearch-mock');
    expect(mysql).not.toHaveBeenCalled();
  });
});

describe('esDriverUnavailableReason', () => {
  it('names the missing client package and the way out', () => {
    const reason = esDriverUnavailableReason(() => false);
    expect(reason).toContain(
      '@elastic/elasticsearch 9 (and @elastic/elasticsearch-mock 2 for its tests)',
    );
    expect(reason).toContain('SEARCH_DRIVER=mysql');
  });

  it('says the driver is missing when the client package is installed', () => {
    expect(esDriverUnavailableReason(() => true)).toContain('no es search driver');
  });
});
