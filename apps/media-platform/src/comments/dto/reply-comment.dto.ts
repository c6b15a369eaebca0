import { IsWholeText } from '@app/grpc';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Transform } from 'class-transformer';
import { IsString, Matches } from 'class-validator';

import { safeIntegerAsString } from './snowflake-id.transform';

/** Body of POST /comments: a reply to comment `target` of article `art_id` (the media platform only replies). */
export class ReplyCommentDto {
  @Transform(safeIntegerAsString)
  @IsString({ message: 'Invalid target comment id.' })
  @Matches(SNOWFLAKE_ID, { message: 'Invalid target comment id.' })
  target: string;

  /** Emptiness and length are the news service's to judge (`Empty content.`). */
  @IsString({ message: 'content must be a string' })
  @IsWholeText({ message: 'content must be whole characters' })
  content: string;

  @Transform(safeIntegerAsString)
  @IsString({ message: 'Invalid article id.' })
  @Matches(SNOWFLAKE_ID, { message: 'Invalid article id.' })
  art_id: string;
}
