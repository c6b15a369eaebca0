import type { articleV1 } from '@app/contracts';

import type { ArticleCardsReader } from '../articles/article-cards.reader';
import type { FollowingReader } from '../articles/following.reader';
import { commentedArticleId, FanCommentCheck } from './fan-comment.check';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
const ARTICLE = '1300000000000000001';
const COMMENT = '1320000000000000001';

const info: articleV1.ArticleInfo = {
  artId: ARTICLE,
  title: 'title',
  autId: AUTHOR,
  pubdate: '2024-01-01T00:00:00.000Z',
  chId: 1,
  allowComm: true,
  cover: { type: 0, images: [] },
};

function newCheck(articles: articleV1.ArticleInfo[], follows: boolean | Error) {
  const cards = { infos: jest.fn(() => Promise.resolve(articles)) };
  const following = {
    isFollowing: jest.fn(() =>
      follows instanceof Error ? Promise.reject(follows) : Promise.resolve(follows),
    ),
  };
  const check = new FanCommentCheck(
    cards as unknown as ArticleCardsReader,
    following as unknown as FollowingReader,
  );
  return { check, cards, following };
}

describe('commentedArticleId', () => {
  it('is the target of a comment, with art_id absent, null or repeating the target', () => {
    expect(commentedArticleId(ARTICLE, undefined)).toBe(ARTICLE);
    expect(commentedArticleId(ARTICLE, null)).toBe(ARTICLE);
    expect(commentedArticleId(ARTICLE, ARTICLE)).toBe(ARTICLE);
  });

  it('is art_id of a reply, whose target is the comment replied to', () => {
    expect(commentedArticleId(COMMENT, ARTICLE)).toBe(ARTICLE);
  });
});

describe('FanCommentCheck', () => {
  it('asks whether the commenter follows the article’s author', async () => {
    const fan = newCheck([info], true);
    await expect(fan.check.isByFan(READER, ARTICLE)).resolves.toBe(true);
    expect(fan.cards.infos).toHaveBeenCalledWith([ARTICLE]);
    expect(fan.following.isFollowing).toHaveBeenCalledWith(READER, AUTHOR);
    await expect(newCheck([info], false).check.isByFan(READER, ARTICLE)).resolves.toBe(false);
  });

  it('answers undefined (not known) when the follow lookup fails', async () => {
    const { check } = newCheck([info], new Error('14 UNAVAILABLE: No connection established'));
    await expect(check.isByFan(READER, ARTICLE)).resolves.toBeUndefined();
  });

  it('answers false without asking for the author and for an article that is not published', async () => {
    for (const [commenter, articles] of [
      [AUTHOR, [info]],
      [READER, []],
    ] as const) {
      const { check, following } = newCheck([...articles], true);
      await expect(check.isByFan(commenter, ARTICLE)).resolves.toBe(false);
      expect(following.isFollowing).not.toHaveBeenCalled();
    }
  });
});
