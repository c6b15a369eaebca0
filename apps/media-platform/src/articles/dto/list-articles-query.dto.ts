import { INT32_MAX, IntegerText, MAX_PAGE, PAGE_MESSAGE } from '@app/grpc';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export const emptyAsAbsent = ({ value }: { value: unknown }): unknown =>
  value === '' ? undefined : value;
/** Repeatable query fields arrive as a string or an array of strings. */
export const toIntList = ({ value }: { value: unknown }): unknown => {
  if (value === undefined || value === '') return undefined;
  const values: unknown[] = (Array.isArray(value) ? (value as unknown[]) : [value]).filter(
    (item) => item !== '',
  );
  return values.map((item) =>
    typeof item === 'string' && /^-?\d+$/.test(item) ? Number(item) : item,
  );
};

export const RESPONSE_TYPES = ['default', 'comment', 'statistic'] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

export const APPROVED_STATUS = 2;
/** The reference parser's message for a channel id that names no visible channel. */
export const INVALID_CHANNEL_ID = 'Invalid channel id.';
/** 0 draft, 1 pending, 2 approved, 3 rejected, and 4 deleted: the publish admin's 已删除 filter. */
const LISTED_STATUSES = { min: 0, max: 4, message: 'Invalid status param.' } as const;

/**
 * The publish admin's comment page offers 10, 20, 50 and 100 a page; every response type takes the
 * same sizes, as the news service reads the same rows for each.
 */
const PER_PAGE = {
  min: 10,
  max: 100,
  message: 'per_page must be within the range 10 - 100',
} as const;

/**
 * The article filters of GET /articles, which GET /statistics/articles takes too (YApi: `channel_id`,
 * `begin_pubdate`, `end_pubdate`); dates are checked by the controllers (400 "Invalid pubdate param.").
 */
export class ArticleFiltersQueryDto {
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

/** Query of GET /articles. */
export class ListArticlesQueryDto extends ArticleFiltersQueryDto {
  @IsOptional()
  @Transform(toIntList)
  @IsInt({ each: true, message: LISTED_STATUSES.message })
  @Min(LISTED_STATUSES.min, { each: true, message: LISTED_STATUSES.message })
  @Max(LISTED_STATUSES.max, { each: true, message: LISTED_STATUSES.message })
  status?: number[];

  @IsOptional()
  @Transform(emptyAsAbsent)
  @IntegerText()
  @IsInt({ message: PAGE_MESSAGE })
  @Min(1, { message: PAGE_MESSAGE })
  @Max(MAX_PAGE, { message: PAGE_MESSAGE })
  page?: number;

  @IsOptional()
  @Transform(emptyAsAbsent)
  @IntegerText()
  @IsInt({ message: PER_PAGE.message })
  @Min(PER_PAGE.min, { message: PER_PAGE.message })
  @Max(PER_PAGE.max, { message: PER_PAGE.message })
  per_page?: number;

  @IsOptional()
  @Transform(emptyAsAbsent)
  @IsIn(RESPONSE_TYPES)
  response_type?: ResponseType;
}
