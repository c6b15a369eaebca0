import { INT32_MAX } from '@app/grpc';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** Body of POST /reading/durations. */
export class ReadingDurationDto {
  /** Seconds spent reading. */
  @IsInt({ message: 'duration must be a natural number' })
  @Min(0, { message: 'duration must be a natural number' })
  @Max(INT32_MAX, { message: 'duration must be a natural number' })
  duration: number;

  // Clients that parse ids as plain numbers send small ids unquoted; ids are strings from here on.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value,
  )
  @IsString({ message: 'Invalid target article id.' })
  @Matches(SNOWFLAKE_ID, { message: 'Invalid target article id.' })
  art_id: string;
}
