import { IsString, Matches } from 'class-validator';

import { ARTICLE_ID_PATTERN, INVALID_ARTICLE_ID } from './article-target.dto';

/** `{target}` path parameter of DELETE /article/collections/{t}, /likings/{t}, /dislikes/{t}. */
export class ArticleTargetParamDto {
  @IsString({ message: INVALID_ARTICLE_ID })
  @Matches(ARTICLE_ID_PATTERN, { message: INVALID_ARTICLE_ID })
  target: string;
}
