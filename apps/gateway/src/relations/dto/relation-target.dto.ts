import { SNOWFLAKE_ID } from '@app/snowflake';
import { Transform } from 'class-transformer';
import { IsString, Matches } from 'class-validator';

/** `{target}` of POST /user/followings and /user/blacklists. */
export class RelationTargetDto {
  // Clients that parse ids as plain numbers send small ids unquoted; ids are strings from here on.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value,
  )
  @IsString({ message: 'Invalid target user id.' })
  @Matches(SNOWFLAKE_ID, { message: 'Invalid target user id.' })
  target: string;
}
