import { COMMENT_CURSOR } from '@app/cache';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Transform } from 'class-transformer';
import { Allow, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

import { IntegerText } from './integer-text.transform';

const emptyAsAbsent = ({ value }: { value: unknown }): unknown =>
  value === '' ? undefined : value;

/**
 * Query of GET /comments, the app's and the media platform's. `type` is left to the caller (the
 * app answers it with the reference's plain message, the media platform passes it to news).
 */
export class ListCommentsQueryDto {
  @Allow()
  type?: unknown;

  @IsString({ message: 'Invalid source param.' })
  @Matches(SNOWFLAKE_ID, { message: 'Invalid source param.' })
  source: string;

  /** The previous page's `last_id`, echoed back as it was sent. */
  @IsOptional()
  @Transform(emptyAsAbsent)
  @IsString({ message: 'Invalid offset param.' })
  @Matches(COMMENT_CURSOR, { message: 'Invalid offset param.' })
  offset?: string;

  @IsOptional()
  @Transform(emptyAsAbsent)
  @IntegerText()
  @IsInt({ message: 'limit must be within the range 10 - 50' })
  @Min(10, { message: 'limit must be within the range 10 - 50' })
  @Max(50, { message: 'limit must be within the range 10 - 50' })
  limit?: number;
}
