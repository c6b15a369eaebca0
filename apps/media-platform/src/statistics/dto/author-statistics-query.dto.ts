import { INT32_MAX } from '@app/grpc';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

import {
  emptyAsAbsent,
  INVALID_CHANNEL_ID,
  toIntList,
} from '../../articles/dto/list-articles-query.dto';

/**
 * Query of GET /statistics/articles (YApi: `channel_id`, `begin_pubdate`, `end_pubdate`), read as
 * the article list reads the same fields; dates are checked by the controller.
 */
export class AuthorStatisticsQueryDto {
  /** Visible channels only, which the controller checks (0, 推荐, is no article's channel). */
  @IsOptional()
  @Transform(toIntList)
  @IsInt({ each: true, message: INVALID_CHANNEL_ID })
  @Min(0, { each: true, message: INVALID_CHANNEL_ID })
  @Max(INT32_MAX, { each: true, message: INVALID_CHANNEL_ID })
  channel_id?: number[];

  @IsOptional()
  @Transform(emptyAsAbsent)
  @IsString()
  begin_pubdate?: string;

  @IsOptional()
  @Transform(emptyAsAbsent)
  @IsString()
  end_pubdate?: string;
}
