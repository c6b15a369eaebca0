import { ArticleFiltersQueryDto } from '../../articles/dto/list-articles-query.dto';

/** Query of GET /statistics/articles: the article list's filters, read the same way. */
export class AuthorStatisticsQueryDto extends ArticleFiltersQueryDto {}
