import { SNOWFLAKE_ID } from '@app/snowflake';
import { Transform } from 'class-transformer';
import { IsBoolean, IsString, Matches } from 'class-validator';

import { bitAsBoolean } from './snowflake-id.transform';

/** Query of PUT /comments/status. */
export class CommentStatusQueryDto {
  @IsString({ message: 'Invalid article id.' })
  @Matches(SNOWFLAKE_ID, { message: 'Invalid article id.' })
  article_id: string;
}

/** Body of PUT /comments/status. */
export class CommentStatusBodyDto {
  @Transform(bitAsBoolean)
  @IsBoolean({ message: 'allow_comment must be a boolean' })
  allow_comment: boolean;
}
