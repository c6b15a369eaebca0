import { SNOWFLAKE_EPOCH } from '@app/snowflake';

import type { ArticleCover } from '../../articles/article.entity';
import { AUTO_COVER, resolveCover } from '../../authoring/article-cover.rules';
import { sanitizeArticleHtml } from '../../authoring/article-html.rules';
import { DEMO_IMAGES_PER_CHANNEL } from './demo-images';
import {
  CHANNEL_SUBJECTS,
  COMMENT_TEXTS,
  PARAGRAPH_TEMPLATES,
  REPLY_TEXTS,
  TITLE_TEMPLATES,
} from './demo-text';

/** The 25 channels of the original recommend system, the first ones shown by default. */
export const DEMO_CHANNELS = [
  'html',
  '开发者资讯',
  'ios',
  'c++',
  'android',
  'css',
  '数据库',
  '区块链',
  'go',
  '产品',
  '后端',
  'linux',
  '人工智能',
  'php',
  'javascript',
  '架构',
  '前端',
  'python',
  'java',
  '算法',
  '面试',
  '科技动态',
  'js',
  '设计',
  '数码产品',
].map((name, index) => ({ id: index + 1, name, sequence: index + 1, isDefault: index < 8 }));

/**
 * The instant the demo data is written relative to: articles come out over the two weeks before
 * it, comments and reactions after them. Fixed, so every load writes the same rows.
 */
export const DEMO_EPOCH_MS = Date.UTC(2026, 10, 30, 12, 0, 0);

/** When the demo channels were created, before any article. */
export const DEMO_CHANNELS_CREATED_AT = new Date(Date.UTC(2026, 9, 1, 0, 0, 0));

export const ARTICLES_PER_CHANNEL = 12;

/** The verified author `头条号` (13911111111), who wrote every demo article. */
export const DEMO_AUTHOR_ID = '1294287382374383616';

/**
 * The demo readers (the user service's demo accounts), and whether each follows the author:
 * the user service's seed writes those follows before any demo comment, so a comment by one of
 * them is a fan's comment (`news_comment.by_fan`).
 */
export const DEMO_READERS: ReadonlyArray<{ id: string; followsAuthor: boolean }> = [
  { id: '1294287382374383617', followsAuthor: true }, // 小明 13611111111
  { id: '1294287382374383618', followsAuthor: true }, // 小红 13811111111
  { id: '1294287382374383619', followsAuthor: true },
  { id: '1294287382374383620', followsAuthor: true },
  { id: '1294287382374383621', followsAuthor: true },
  { id: '1294287382374383622', followsAuthor: true },
  { id: '1294287382374383623', followsAuthor: false },
  { id: '1294287382374383624', followsAuthor: false },
];

/** Pinned articles (`ch:{id}:art:top`): channel → [channel, article index in it] pairs, first on top. */
const PINS: ReadonlyArray<{
  channelId: number;
  articles: ReadonlyArray<readonly [number, number]>;
}> = [
  {
    channelId: 0,
    articles: [
      [13, 1],
      [17, 2],
    ],
  }, // 推荐
  { channelId: 1, articles: [[1, 4]] },
  { channelId: 17, articles: [[17, 5]] },
];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** FNV-1a of the parts: the demo's only source of variety, the same on every run. */
export function demoHash(...parts: Array<string | number>): number {
  let hash = 0x811c9dc5;
  for (const char of parts.join('|')) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A snowflake id of `ms` (as the services make them, so time cursors and ordering hold). */
export function demoSnowflake(ms: number, node: number, sequence: number): string {
  return (
    ((BigInt(ms) - SNOWFLAKE_EPOCH) << 22n) |
    (BigInt(node) << 12n) |
    BigInt(sequence)
  ).toString();
}

const pick = <T>(items: readonly T[], ...parts: Array<string | number>): T =>
  items[demoHash(...parts) % items.length];

const fill = (template: string, subject: string, channel: string): string =>
  template.replaceAll('{s}', subject).replaceAll('{c}', channel);

export interface DemoArticle {
  id: string;
  channelId: number;
  /** Position in its channel, 0 = newest. */
  index: number;
  title: string;
  content: string;
  cover: ArticleCover;
  createdAt: Date;
}

/**
 * `ARTICLES_PER_CHANNEL` approved articles per channel, one every day or so over two weeks: a
 * title and four paragraphs about one of the channel's subjects. Three of every four carry
 * pictures in their body (`imageUrls(channelId)`), one or three, and the cover is picked from
 * the body as the authoring service does for an automatic cover.
 */
export function demoArticles(
  imageUrls: (channelId: number) => readonly string[],
  publicUrl: string,
): DemoArticle[] {
  const articles: DemoArticle[] = [];
  for (const channel of DEMO_CHANNELS) {
    const subjects = CHANNEL_SUBJECTS[channel.name];
    const images = imageUrls(channel.id);
    if (images.length !== DEMO_IMAGES_PER_CHANNEL)
      throw new Error(`channel ${channel.id} needs ${DEMO_IMAGES_PER_CHANNEL} images`);
    for (let index = 0; index < ARTICLES_PER_CHANNEL; index += 1) {
      const subject = subjects[index % subjects.length];
      const ms =
        DEMO_EPOCH_MS -
        index * 26 * HOUR -
        channel.id * 37 * MINUTE -
        (demoHash('article', channel.id, index) % 30) * MINUTE;
      const pictures =
        index % 4 === 0 ? images : index % 4 === 3 ? [] : [images[index % images.length]];
      const paragraphs = [0, 1, 2, 3].map((n) =>
        fill(
          PARAGRAPH_TEMPLATES[(index + n * 2 + channel.id) % PARAGRAPH_TEMPLATES.length],
          subject,
          channel.name,
        ),
      );
      const body = paragraphs.flatMap((paragraph, n) => [
        `<p>${paragraph}</p>`,
        ...(pictures[n] ? [`<p><img src="${pictures[n]}" alt="${subject}"></p>`] : []),
      ]);
      // Stored as the authoring service stores what an author sends.
      const content = sanitizeArticleHtml(body.join(''));
      articles.push({
        id: demoSnowflake(ms, 0, channel.id),
        channelId: channel.id,
        index,
        title: fill(
          TITLE_TEMPLATES[(index * 5 + channel.id) % TITLE_TEMPLATES.length],
          subject,
          channel.name,
        ),
        content,
        cover: resolveCover({ type: AUTO_COVER, images: [] }, content, publicUrl),
        createdAt: new Date(ms),
      });
    }
  }
  return articles;
}

export interface DemoComment {
  id: string;
  userId: string;
  articleId: string;
  parentId: string | null;
  content: string;
  /** By a reader who follows the author (`news_comment.by_fan`). */
  byFan: boolean;
  createdAt: Date;
}

const FANS = new Set(
  DEMO_READERS.filter((reader) => reader.followsAuthor).map((reader) => reader.id),
);

/**
 * Comments on four of every five articles: one to four by the readers, some with replies by
 * other readers or the author, the first a few minutes after the article came out.
 */
export function demoComments(articles: readonly DemoArticle[]): DemoComment[] {
  const comments: DemoComment[] = [];
  let sequence = 0;
  const add = (comment: Omit<DemoComment, 'id' | 'byFan'>): DemoComment => {
    sequence += 1;
    const stored = {
      ...comment,
      id: demoSnowflake(comment.createdAt.getTime(), 1, sequence % 4096),
      byFan: FANS.has(comment.userId),
    };
    comments.push(stored);
    return stored;
  };
  for (const article of articles) {
    const seed = demoHash('comments', article.id);
    if (seed % 5 === 0) continue;
    const topLevel = 1 + (seed % 4);
    let at = article.createdAt.getTime();
    for (let n = 0; n < topLevel; n += 1) {
      const author = DEMO_READERS[(seed + n * 3) % DEMO_READERS.length];
      at += (7 + (demoHash('gap', article.id, n) % 90)) * MINUTE;
      const parent = add({
        userId: author.id,
        articleId: article.id,
        parentId: null,
        content: pick(COMMENT_TEXTS, 'comment', article.id, n),
        createdAt: new Date(at),
      });
      const replies = demoHash('replies', parent.id) % 3;
      for (let r = 0; r < replies; r += 1) {
        const replier =
          r === 1 ? DEMO_AUTHOR_ID : DEMO_READERS[(seed + n * 3 + r + 1) % DEMO_READERS.length].id;
        at += (3 + (demoHash('reply', parent.id, r) % 40)) * MINUTE;
        add({
          userId: replier,
          articleId: article.id,
          parentId: parent.id,
          content:
            r === 1 ? '谢谢支持，有问题欢迎继续交流。' : pick(REPLY_TEXTS, 'reply', parent.id, r),
          createdAt: new Date(at),
        });
      }
    }
  }
  return comments;
}

export interface DemoReaction {
  userId: string;
  /** An article id (likes, collections) or a comment id (comment likes). */
  targetId: string;
  createdAt: Date;
}

export interface DemoReactions {
  likes: DemoReaction[];
  collections: DemoReaction[];
  commentLikes: DemoReaction[];
}

/** Each reader likes about a third of the articles, collects about one in eight and likes some comments. */
export function demoReactions(
  articles: readonly DemoArticle[],
  comments: readonly DemoComment[],
): DemoReactions {
  const reactions: DemoReactions = { likes: [], collections: [], commentLikes: [] };
  for (const reader of DEMO_READERS) {
    for (const article of articles) {
      const roll = demoHash('reaction', reader.id, article.id);
      const at = new Date(article.createdAt.getTime() + (30 + (roll % 600)) * MINUTE);
      if (roll % 3 === 0)
        reactions.likes.push({ userId: reader.id, targetId: article.id, createdAt: at });
      if (roll % 8 === 1)
        reactions.collections.push({ userId: reader.id, targetId: article.id, createdAt: at });
    }
    for (const comment of comments) {
      if (comment.userId === reader.id || demoHash('comment-like', reader.id, comment.id) % 4 !== 0)
        continue;
      reactions.commentLikes.push({
        userId: reader.id,
        targetId: comment.id,
        createdAt: new Date(comment.createdAt.getTime() + 20 * MINUTE),
      });
    }
  }
  return reactions;
}

/** The pinned article ids per channel, first on top. */
export function demoPins(
  articles: readonly DemoArticle[],
): Array<{ channelId: number; articleIds: string[] }> {
  const byPosition = new Map(
    articles.map((article) => [`${article.channelId}:${article.index}`, article.id]),
  );
  return PINS.map(({ channelId, articles: pinned }) => ({
    channelId,
    articleIds: pinned.map(([channel, index]) => {
      const id = byPosition.get(`${channel}:${index}`);
      if (!id) throw new Error(`no demo article ${index} in channel ${channel}`);
      return id;
    }),
  }));
}
