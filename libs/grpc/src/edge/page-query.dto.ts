import { IsInt, IsOptional, Max, Min } from 'class-validator';

import { INT32_MAX } from './int32';
import { IntegerText } from './integer-text.transform';

/** The highest page: pages travel as int32, and a higher one would wrap to another page. */
export const MAX_PAGE = INT32_MAX;

/** What a page that is no positive integer (of 32 bits) is answered. */
export const PAGE_MESSAGE = 'page must be a positive integer';

/** The app API's paging query: `page` (default 1) and `per_page` (10–50, default 10), as the reference. */
export class PageQueryDto {
  @IsOptional()
  @IntegerText()
  @IsInt({ message: PAGE_MESSAGE })
  @Min(1, { message: PAGE_MESSAGE })
  @Max(MAX_PAGE, { message: PAGE_MESSAGE })
  page?: number;

  @IsOptional()
  @IntegerText()
  @IsInt({ message: 'per_page must be within the range 10 - 50' })
  @Min(10, { message: 'per_page must be within the range 10 - 50' })
  @Max(50, { message: 'per_page must be within the range 10 - 50' })
  per_page?: number;
}
