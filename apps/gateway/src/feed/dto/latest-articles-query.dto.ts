import { INT32_MAX, IntegerText } from '@app/grpc';
import { IsDefined, IsInt, IsOptional, Max, Min } from 'class-validator';

const MISSING = 'Missing required parameter in the query string';
const CHANNEL_ID = 'channel_id must be a natural number';
const PAGE = 'page must be within the range 1 - 100';
const PER_PAGE = 'per_page must be within the range 10 - 50';

/** Query of GET /v1_0/articles (the latest articles of a channel, by page). */
export class LatestArticlesQueryDto {
  /** 0 = every channel. */
  @IsDefined({ message: MISSING })
  @IntegerText()
  @IsInt({ message: CHANNEL_ID })
  @Min(0, { message: CHANNEL_ID })
  @Max(INT32_MAX, { message: CHANNEL_ID })
  channel_id: number;

  // Deep pages cost a walk over the newer ids when no cursor is cached, hence the ceiling.
  @IsOptional()
  @IntegerText()
  @IsInt({ message: PAGE })
  @Min(1, { message: PAGE })
  @Max(100, { message: PAGE })
  page?: number;

  @IsOptional()
  @IntegerText()
  @IsInt({ message: PER_PAGE })
  @Min(10, { message: PER_PAGE })
  @Max(50, { message: PER_PAGE })
  per_page?: number;
}
