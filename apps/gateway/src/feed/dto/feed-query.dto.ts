import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, Max, Min } from 'class-validator';

const MISSING = 'Missing required parameter in the query string';
const CHANNEL_ID = 'channel_id must be a natural number';
const TIMESTAMP = 'timestamp must be a natural number of milliseconds';
const WITH_TOP = 'with_top must be 0 or 1';

/** Query of GET /v1_1/articles (the home feed). */
export class FeedQueryDto {
  /** 0 = the recommend channel. */
  @IsDefined({ message: MISSING })
  @Type(() => Number)
  @IsInt({ message: CHANNEL_ID })
  @Min(0, { message: CHANNEL_ID })
  @Max(2_147_483_647, { message: CHANNEL_ID })
  channel_id: number;

  /** Milliseconds: now for the newest batch, else the `pre_timestamp` of the previous answer. */
  @IsDefined({ message: MISSING })
  @Type(() => Number)
  @IsInt({ message: TIMESTAMP })
  @Min(0, { message: TIMESTAMP })
  @Max(Number.MAX_SAFE_INTEGER, { message: TIMESTAMP })
  timestamp: number;

  @IsDefined({ message: MISSING })
  @Type(() => Number)
  @IsIn([0, 1], { message: WITH_TOP })
  with_top: number;
}
