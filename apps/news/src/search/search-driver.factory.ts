import { Client } from '@elastic/elasticsearch';

import type { NewsConfig } from '../config/news.config';
import { ElasticsearchSearchDriver } from './elasticsearch-search.driver';
import type { SearchService } from './search.service';

export type SearchDriverSettings = Pick<NewsConfig, 'SEARCH_DRIVER' | 'ELASTICSEARCH_URL'>;

const elasticsearchDriver = (node: string): SearchService =>
  new ElasticsearchSearchDriver(new Client({ node }));

/** The search engine SEARCH_DRIVER names; a driver that cannot run fails the boot here. */
export function createSearchService(
  settings: SearchDriverSettings,
  mysql: () => SearchService,
  es: (node: string) => SearchService = elasticsearchDriver,
): SearchService {
  switch (settings.SEARCH_DRIVER) {
    case 'mysql':
      return mysql();
    case 'es':
      if (!settings.ELASTICSEARCH_URL)
        throw new Error('ELASTICSEARCH_URL is required when SEARCH_DRIVER=es');
      return es(settings.ELASTICSEARCH_URL);
  }
}
