import type { NewsConfig } from '../config/news.config';
import type { SearchService } from './search.service';

export type SearchDriverSettings = Pick<NewsConfig, 'SEARCH_DRIVER' | 'ELASTICSEARCH_URL'>;

const ES_PACKAGES = '@elastic/elasticsearch 9 (and @elastic/elasticsearch-mock 2 for its tests)';

function isInstalled(packageName: string): boolean {
  try {
    require.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

/** Why SEARCH_DRIVER=es cannot start in this build, in words an operator can act on. */
export function esDriverUnavailableReason(
  installed: (name: string) => boolean = isInstalled,
): string {
  if (!installed('@elastic/elasticsearch')) {
    return `SEARCH_DRIVER=es needs the package ${ES_PACKAGES}, which is not installed: add it to the dependencies, or use SEARCH_DRIVER=mysql`;
  }
  return 'SEARCH_DRIVER=es: @elastic/elasticsearch is installed, but this build has no es search driver yet; use SEARCH_DRIVER=mysql';
}

/** The search engine SEARCH_DRIVER names; a driver that cannot run fails the boot here. */
export function createSearchService(
  settings: SearchDriverSettings,
  mysql: () => SearchService,
): SearchService {
  switch (settings.SEARCH_DRIVER) {
    case 'mysql':
      return mysql();
    case 'es':
      throw new Error(esDriverUnavailableReason());
  }
}
