/** `news_attitude.attitude`; `null` (no row, or a cancelled one) means no attitude. */
export enum ArticleAttitude {
  Dislike = 0,
  Like = 1,
}

/** How one attitude change moves the counters. */
export interface AttitudeCounterDeltas {
  /** `count:art:liking` of the article. */
  articleLikes: number;
  /** `count:art:dislike` of the article. */
  articleDislikes: number;
  /** `count:user:liked` of the article's author (likes received). */
  authorLikesReceived: number;
}

const isLike = (attitude: ArticleAttitude | null): number =>
  attitude === ArticleAttitude.Like ? 1 : 0;
const isDislike = (attitude: ArticleAttitude | null): number =>
  attitude === ArticleAttitude.Dislike ? 1 : 0;

/** Counter deltas of a change from `previous` to `next`: like and dislike are exclusive, so a switch moves both. */
export function attitudeCounterDeltas(
  previous: ArticleAttitude | null,
  next: ArticleAttitude | null,
): AttitudeCounterDeltas {
  const likes = isLike(next) - isLike(previous);
  return {
    articleLikes: likes,
    articleDislikes: isDislike(next) - isDislike(previous),
    authorLikesReceived: likes,
  };
}
