import { SNOWFLAKE_ID } from '@app/snowflake';
import { IsString, Matches } from 'class-validator';

const INVALID_ARTICLE_ID = 'Invalid target article id.';

/**
 * `{target}` of POST /article/collections, /likings, /dislikes and /reports. Ids above 2^53 arrive
 * as strings from the real clients (json-bigint); a JSON number has already lost digits, so it is
 * refused. Any id is looked up: one no article has answers 404, whatever its size.
 */
export class ArticleTargetDto {
  @IsString({ message: INVALID_ARTICLE_ID })
  @Matches(SNOWFLAKE_ID, { message: INVALID_ARTICLE_ID })
  target: string;
}
