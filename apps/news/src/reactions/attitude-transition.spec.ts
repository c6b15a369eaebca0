import {
  ArticleAttitude,
  attitudeCounterDeltas,
  type AttitudeCounterDeltas,
} from './attitude-transition';

const { Like, Dislike } = ArticleAttitude;

describe('attitudeCounterDeltas', () => {
  // previous, next, likes, dislikes, author likes received
  const table: Array<[ArticleAttitude | null, ArticleAttitude | null, number, number, number]> = [
    [null, null, 0, 0, 0],
    [null, Like, 1, 0, 1],
    [null, Dislike, 0, 1, 0],
    [Like, Like, 0, 0, 0],
    [Like, null, -1, 0, -1],
    [Like, Dislike, -1, 1, -1],
    [Dislike, Dislike, 0, 0, 0],
    [Dislike, null, 0, -1, 0],
    [Dislike, Like, 1, -1, 1],
  ];

  it.each(table)(
    '%p -> %p moves likes %p, dislikes %p, author likes %p',
    (previous, next, likes, dislikes, author) => {
      expect(attitudeCounterDeltas(previous, next)).toEqual<AttitudeCounterDeltas>({
        articleLikes: likes,
        articleDislikes: dislikes,
        authorLikesReceived: author,
      });
    },
  );

  it('brings every counter back to zero over any round trip', () => {
    const states = [null, Like, Dislike];
    for (const a of states) {
      for (const b of states) {
        const there = attitudeCounterDeltas(a, b);
        const back = attitudeCounterDeltas(b, a);
        expect(there.articleLikes + back.articleLikes).toBe(0);
        expect(there.articleDislikes + back.articleDislikes).toBe(0);
        expect(there.authorLikesReceived + back.authorLikesReceived).toBe(0);
      }
    }
  });
});
