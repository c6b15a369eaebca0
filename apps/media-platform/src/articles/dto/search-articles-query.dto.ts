import { IntegerText, MAX_PAGE, PAGE_MESSAGE } from '@app/grpc';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const Q_MESSAGE = 'q must be 1-50 characters';
const PER_PAGE_MESSAGE = 'per_page must be within the range 10 - 50';

/** GET /search: `q` as the reference (`^.{1,50}$`, one line), `page`, `per_page` 10–50 (default 10). */
export class SearchArticlesQueryDto {
  @IsString({ message: Q_MESSAGE })
  @Matches(/^(?:\t|\P{Cc}){1,50}$/u, { message: Q_MESSAGE })
  q: string;

  @IsOptional()
  @IntegerText()
  @IsInt({ message: PAGE_MESSAGE })
  @Min(1, { message: PAGE_MESSAGE })
  @Max(MAX_PAGE, { message: PAGE_MESSAGE })
  page?: number;

  @IsOptional()
  @IntegerText()
  @IsInt({ message: PER_PAGE_MESSAGE })
  @Min(10, { message: PER_PAGE_MESSAGE })
  @Max(50, { message: PER_PAGE_MESSAGE })
  per_page?: number;
}
