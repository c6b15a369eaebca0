import { SNOWFLAKE_ID } from '@app/snowflake';
import { Transform } from 'class-transformer';
import { IsString, Matches } from 'class-validator';

import { safeIntegerAsString } from './snowflake-id.transform';

/** `{target}` of POST /comment/likings. */
export class CommentTargetDto {
  @Transform(safeIntegerAsString)
  @IsString({ message: 'Invalid target comment id.' })
  @Matches(SNOWFLAKE_ID, { message: 'Invalid target comment id.' })
  target: string;
}
