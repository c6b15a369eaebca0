/** The article page of the mobile app (reference 1.2). */
export interface ArticleDetailView {
  art_id: string;
  title: string;
  pubdate: string;
  content: string;
  aut_id: string;
  ch_id: number;
  aut_name: string;
  aut_photo: string;
  is_followed: boolean;
  /** null when anonymous, else -1 none, 0 dislike, 1 like. */
  attitude: number | null;
  is_collected: boolean;
  recomments: Array<{ art_id: string; title: string }>;
}
