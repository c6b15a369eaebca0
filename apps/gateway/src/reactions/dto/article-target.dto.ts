import { IsString, Matches } from 'class-validator';

/** A snowflake id (63 bits) as a decimal string, the only form a 64-bit id survives JSON in. */
export const ARTICLE_ID_PATTERN = /^[1-9]\d{0,18}$/;
export const INVALID_ARTICLE_ID = 'Invalid target article id.';

/**
 * `{target}` of POST /article/collections, /likings and /dislikes. Ids above 2^53 arrive as
 * strings from the real clients (json-bigint); a JSON number has already lost digits, so it is refused.
 */
export class ArticleTargetDto {
  @IsString({ message: INVALID_ARTICLE_ID })
  @Matches(ARTICLE_ID_PATTERN, { message: INVALID_ARTICLE_ID })
  target: string;
}
