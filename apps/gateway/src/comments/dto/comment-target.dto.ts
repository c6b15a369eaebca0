import { SNOWFLAKE_ID } from '@app/snowflake';
import { Transform } from 'class-transformer';
import { IsString, Matches } from 'class-validator';

/** `{target}` of POST /comment/likings. */
export class CommentTargetDto {
  // Clients that parse ids as plain numbers send small ids unquoted; ids are strings from here on.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value,
  )
  @IsString({ message: 'Invalid target comment id.' })
  @Matches(SNOWFLAKE_ID, { message: 'Invalid target comment id.' })
  target: string;
}
