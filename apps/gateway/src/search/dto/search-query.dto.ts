import { IntegerText, MAX_PAGE } from '@app/grpc';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

import { IsSearchKeyword } from './search-keyword.validators';

/** GET /search: `q`, `page` (default 1), `per_page` (10–50, default 10). */
export class SearchQueryDto {
  @IsSearchKeyword()
  q: string;

  @IsOptional()
  @IntegerText()
  @IsInt({ message: 'page must be a positive integer' })
  @Min(1, { message: 'page must be a positive integer' })
  @Max(MAX_PAGE, { message: 'page must be a positive integer' })
  page?: number;

  @IsOptional()
  @IntegerText()
  @IsInt({ message: 'per_page must be within the range 10 - 50' })
  @Min(10, { message: 'per_page must be within the range 10 - 50' })
  @Max(50, { message: 'per_page must be within the range 10 - 50' })
  per_page?: number;
}
