/** ArticleCard of the reference (section 1.1), as every article list of the mobile app reads it. */
export interface ArticleCard {
  art_id: string;
  title: string;
  aut_id: string;
  aut_name: string;
  /** `YYYY-MM-DDTHH:MM:SS` in the display time zone. */
  pubdate: string;
  ch_id: number;
  cover: { type: number; images: string[] };
  is_top: 0 | 1;
  comm_count: number;
  like_count: number;
  collect_count: number;
}

/** Cards of the signed-in user's lists carry whether the user likes each article. */
export type LikedArticleCard = ArticleCard & { is_liking: boolean };

/** The reference Page shape. */
export interface Page<T> {
  total_count: number;
  page: number;
  per_page: number;
  results: T[];
}
