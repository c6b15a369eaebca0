import { IntegerText, MAX_PAGE } from '@app/grpc';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

const BOOLEAN_TEXT: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
};

/** Query booleans as the reference parser read them (`true`/`false`/`1`/`0`); anything else stays invalid. */
export const toBooleanQuery = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.toLowerCase() in BOOLEAN_TEXT
    ? BOOLEAN_TEXT[value.toLowerCase()]
    : value;

/** GET /user/images: `collect` (only collected images), `page` (default 1), `per_page` (1–50, default 20). */
export class ImagePageQueryDto {
  @IsOptional()
  @Transform(toBooleanQuery)
  @IsBoolean({ message: 'collect must be a boolean' })
  collect?: boolean;

  @IsOptional()
  @IntegerText()
  @IsInt({ message: 'page must be a positive integer' })
  @Min(1, { message: 'page must be a positive integer' })
  @Max(MAX_PAGE, { message: 'page must be a positive integer' })
  page?: number;

  @IsOptional()
  @IntegerText()
  @IsInt({ message: 'per_page must be within the range 1 - 50' })
  @Min(1, { message: 'per_page must be within the range 1 - 50' })
  @Max(50, { message: 'per_page must be within the range 1 - 50' })
  per_page?: number;
}
