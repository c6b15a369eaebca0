import { IntegerText, MAX_PAGE } from '@app/grpc';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `page` (default 1) and `per_page` (20–50, default 20) of the MP follower list. */
export class FollowerPageQueryDto {
  @IsOptional()
  @IntegerText()
  @IsInt({ message: 'page must be a positive integer' })
  @Min(1, { message: 'page must be a positive integer' })
  @Max(MAX_PAGE, { message: 'page must be a positive integer' })
  page?: number;

  @IsOptional()
  @IntegerText()
  @IsInt({ message: 'per_page must be within the range 20 - 50' })
  @Min(20, { message: 'per_page must be within the range 20 - 50' })
  @Max(50, { message: 'per_page must be within the range 20 - 50' })
  per_page?: number;
}
