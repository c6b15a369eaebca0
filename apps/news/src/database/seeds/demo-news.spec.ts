import { decodeSnowflake } from '@app/snowflake';

import { CoverType } from '../../articles/article.entity';
import { demoImage } from './demo-images';
import {
  ARTICLES_PER_CHANNEL,
  DEMO_AUTHOR_ID,
  DEMO_CHANNELS,
  DEMO_EPOCH_MS,
  DEMO_READERS,
  demoArticles,
  demoComments,
  demoPins,
  demoReactions,
} from './demo-news';

const PUBLIC_URL = 'http://img.test/';
const images = (channelId: number) =>
  [0, 1, 2].map((variant) => `${PUBLIC_URL}${channelId}-${variant}.png`);

describe('demo news data', () => {
  const articles = demoArticles(images, PUBLIC_URL);
  const comments = demoComments(articles);

  it('is the same on every call', () => {
    expect(demoArticles(images, PUBLIC_URL)).toEqual(articles);
    expect(demoComments(articles)).toEqual(comments);
    expect(demoReactions(articles, comments)).toEqual(demoReactions(articles, comments));
    expect(
      demoImage(3, DEMO_CHANNELS.length, 1).equals(demoImage(3, DEMO_CHANNELS.length, 1)),
    ).toBe(true);
    expect(
      demoImage(3, DEMO_CHANNELS.length, 1).equals(demoImage(4, DEMO_CHANNELS.length, 1)),
    ).toBe(false);
  });

  it('gives every channel its articles, with titles the authoring rules accept (5 to 30 characters)', () => {
    expect(articles).toHaveLength(DEMO_CHANNELS.length * ARTICLES_PER_CHANNEL);
    expect(articles.length).toBeGreaterThanOrEqual(200);
    for (const article of articles) expect([...article.title].length).toBeGreaterThanOrEqual(5);
    for (const article of articles) expect([...article.title].length).toBeLessThanOrEqual(30);
    expect(new Set(articles.map((article) => article.title)).size).toBe(articles.length);
  });

  it('gives each article a snowflake id of its creation time, over the two weeks before the epoch', () => {
    expect(new Set(articles.map((article) => article.id)).size).toBe(articles.length);
    for (const article of articles) {
      expect(decodeSnowflake(article.id).timestampMs).toBe(article.createdAt.getTime());
      expect(article.createdAt.getTime()).toBeLessThan(DEMO_EPOCH_MS);
      expect(article.createdAt.getTime()).toBeGreaterThan(DEMO_EPOCH_MS - 15 * 86_400_000);
    }
  });

  it('takes covers from the pictures in the content: one or three, or none for text only', () => {
    const types = articles.map((article) => article.cover.type);
    expect(types.filter((type) => type === CoverType.One).length).toBe(articles.length / 2);
    expect(types.filter((type) => type === CoverType.Three).length).toBe(articles.length / 4);
    for (const article of articles) {
      for (const url of article.cover.images) expect(article.content).toContain(`src="${url}"`);
    }
  });

  it('writes comments after their article and replies after their comment, by fans where the reader follows the author', () => {
    const byId = new Map(comments.map((comment) => [comment.id, comment]));
    const articleTimes = new Map(
      articles.map((article) => [article.id, article.createdAt.getTime()]),
    );
    expect(byId.size).toBe(comments.length);
    const fans = new Set(
      DEMO_READERS.filter((reader) => reader.followsAuthor).map((reader) => reader.id),
    );
    for (const comment of comments) {
      expect(decodeSnowflake(comment.id).timestampMs).toBe(comment.createdAt.getTime());
      expect(comment.createdAt.getTime()).toBeGreaterThan(
        articleTimes.get(comment.articleId) ?? Infinity,
      );
      if (comment.parentId)
        expect(comment.createdAt.getTime()).toBeGreaterThan(
          byId.get(comment.parentId)?.createdAt.getTime() ?? Infinity,
        );
      expect(comment.byFan).toBe(fans.has(comment.userId));
    }
    expect(
      comments.some((comment) => comment.userId === DEMO_AUTHOR_ID && comment.parentId !== null),
    ).toBe(true);
  });

  it('pins existing articles', () => {
    const ids = new Set(articles.map((article) => article.id));
    for (const { articleIds } of demoPins(articles))
      for (const id of articleIds) expect(ids.has(id)).toBe(true);
  });
});
