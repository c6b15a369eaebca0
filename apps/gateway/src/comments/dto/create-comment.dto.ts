import { IsWholeText } from '@app/grpc';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches } from 'class-validator';

// Clients that parse ids as plain numbers send small ids unquoted; ids are strings from here on.
const safeIntegerAsString = ({ value }: { value: unknown }): unknown =>
  typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;

/** Body of POST /comments: a comment on article `target`, or a reply to comment `target` of article `art_id`. */
export class CreateCommentDto {
  @Transform(safeIntegerAsString)
  @IsString({ message: 'Invalid target.' })
  @Matches(SNOWFLAKE_ID, { message: 'Invalid target.' })
  target: string;

  /** Emptiness and length are the news service's to judge (`Empty content.`). */
  @IsString({ message: 'content must be a string' })
  @IsWholeText({ message: 'content must be whole characters' })
  content: string;

  /** Null or absent on a top-level comment (the mobile client sends `art_id: null`). */
  @IsOptional()
  @Transform(safeIntegerAsString)
  @IsString({ message: 'Invalid article id.' })
  @Matches(SNOWFLAKE_ID, { message: 'Invalid article id.' })
  art_id?: string | null;
}
