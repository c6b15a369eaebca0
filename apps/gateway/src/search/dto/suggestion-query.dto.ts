import { IsSearchKeyword } from './search-keyword.validators';

/** GET /suggestion: the `q` typed so far. */
export class SuggestionQueryDto {
  @IsSearchKeyword()
  q: string;
}
