import { PageQueryDto } from '@app/grpc';

import { IsSearchKeyword } from './search-keyword.validators';

/** GET /search: `q`, `page` (default 1), `per_page` (10–50, default 10). */
export class SearchQueryDto extends PageQueryDto {
  @IsSearchKeyword()
  q: string;
}
