import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase, withTestConnection } from '@app/testing';
import { DataSource } from 'typeorm';

import { ArticleStatus } from '../articles/article.entity';
import { NEWS_SCHEMA } from '../database/news-schema';
import { ArticleAttitude } from './attitude-transition';
import { ReactionsRepository } from './reactions.repository';

const READER = '1294287382374383617';
const OTHER_READER = '1294287382374383618';
const [LIKED, DISLIKED, CLEARED, UNTOUCHED] = [
  '1300000000000000001',
  '1300000000000000002',
  '1300000000000000003',
  '1300000000000000004',
];

describe('ReactionsRepository (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: ReactionsRepository;

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, NEWS_SCHEMA),
    ).initialize();
    repository = new ReactionsRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  describe('attitudes', () => {
    beforeAll(async () => {
      await withTestConnection(database.settings, (query) =>
        query(
          'INSERT INTO news_attitude (user_id, article_id, attitude) VALUES (?, ?, 1), (?, ?, 0), (?, ?, NULL), (?, ?, 1)',
          [READER, LIKED, READER, DISLIKED, READER, CLEARED, OTHER_READER, UNTOUCHED],
        ),
      );
    });

    it("reads a user's likes and dislikes, at most one more than the limit", async () => {
      const byArticle = (rows: Array<{ articleId: string; attitude: ArticleAttitude }>) =>
        Object.fromEntries(rows.map((row) => [row.articleId, row.attitude]));
      expect(byArticle(await repository.findAttitudes(READER, 10))).toEqual({
        [LIKED]: ArticleAttitude.Like,
        [DISLIKED]: ArticleAttitude.Dislike,
      });
      expect(await repository.findAttitudes(READER, 1)).toHaveLength(2);
      expect(await repository.findAttitudes(READER, 0)).toHaveLength(1);
    });

    it('reads the attitudes of the asked articles only, without cleared ones or other readers', async () => {
      expect(await repository.attitudesAmong(READER, [LIKED, CLEARED, UNTOUCHED])).toEqual([
        { articleId: LIKED, attitude: ArticleAttitude.Like },
      ]);
      expect(await repository.attitudesAmong(READER, [])).toEqual([]);
    });
  });

  describe('taking a change back', () => {
    const ARTICLE = '1300000000000000009';
    const attitudeNow = async () =>
      (
        (await withTestConnection(database.settings, (query) =>
          query('SELECT attitude FROM news_attitude WHERE user_id = ? AND article_id = ?', [
            READER,
            ARTICLE,
          ]),
        )) as Array<{ attitude: number | null }>
      )[0]?.attitude;

    it('puts an attitude back only while the row is as the change left it', async () => {
      await repository.setAttitude(READER, ARTICLE, ArticleAttitude.Like);
      expect(await repository.undoAttitude(READER, ARTICLE, ArticleAttitude.Like, null)).toBe(true);
      expect(await attitudeNow()).toBeNull();
      // Changed again since: the undo of an older change leaves it alone.
      await repository.setAttitude(READER, ARTICLE, ArticleAttitude.Dislike);
      expect(await repository.undoAttitude(READER, ARTICLE, ArticleAttitude.Like, null)).toBe(
        false,
      );
      expect(await attitudeNow()).toBe(ArticleAttitude.Dislike);
      await repository.clearAttitude(READER, ARTICLE, ArticleAttitude.Dislike);
      expect(await repository.undoAttitude(READER, ARTICLE, null, ArticleAttitude.Dislike)).toBe(
        true,
      );
      expect(await attitudeNow()).toBe(ArticleAttitude.Dislike);
    });

    it('puts an uncollected article back only when it was uncollected', async () => {
      expect(await repository.collect(READER, ARTICLE)).toBe(true);
      expect(await repository.undoUncollect(READER, ARTICLE)).toBe(false);
      expect(await repository.uncollect(READER, ARTICLE)).toBe(true);
      expect(await repository.undoUncollect(READER, ARTICLE)).toBe(true);
      // Collected again, by the undo: a second uncollect finds it.
      expect(await repository.uncollect(READER, ARTICLE)).toBe(true);
    });
  });

  describe('collections', () => {
    const [A1, A2, A3, A4, A5, A6, BANNED, DELETED] = [
      '1300000000000000011',
      '1300000000000000012',
      '1300000000000000013',
      '1300000000000000014',
      '1300000000000000015',
      '1300000000000000016',
      '1300000000000000017',
      '1300000000000000018',
    ];
    /** READER's visible list, newest first: A3 and A2 share a second, so the larger id comes first. */
    const LISTED = [A1, A3, A2, A5, A6];

    beforeAll(async () => {
      await withTestConnection(database.settings, async (query) => {
        for (const [articleId, status] of [
          ...[A1, A2, A3, A4, A5, A6].map((id) => [id, ArticleStatus.Approved] as const),
          [BANNED, ArticleStatus.Banned] as const,
          [DELETED, ArticleStatus.Deleted] as const,
        ]) {
          await query(
            `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status) VALUES (?, ?, 1, 't', '{"type":0,"images":[]}', ?)`,
            [articleId, OTHER_READER, status],
          );
        }
        const rows: Array<[string, string, number, string]> = [
          [READER, A1, 0, '2026-01-01 00:00:05'],
          [READER, A2, 0, '2026-01-01 00:00:04'],
          [READER, A3, 0, '2026-01-01 00:00:04'],
          [READER, A4, 1, '2026-01-01 00:00:03'],
          [READER, A5, 0, '2026-01-01 00:00:02'],
          [READER, A6, 0, '2026-01-01 00:00:01'],
          [READER, BANNED, 0, '2026-01-01 00:00:06'],
          [READER, DELETED, 0, '2026-01-01 00:00:06'],
          [OTHER_READER, A2, 0, '2026-01-01 00:00:07'],
        ];
        for (const row of rows) {
          await query(
            'INSERT INTO news_collection (user_id, article_id, is_deleted, update_time) VALUES (?, ?, ?, ?)',
            row,
          );
        }
      });
    });

    it("reads a user's collections newest first, those that may be approved again marked hidden, at most one more than the limit", async () => {
      const all = await repository.findCollected(READER, 10);
      expect(all.map((c) => [c.articleId, c.visible])).toEqual([
        [BANNED, false],
        ...LISTED.map((id) => [id, true]),
      ]);
      expect(all[1].collectedAt - all[5].collectedAt).toBe(4);
      expect((await repository.findCollected(READER, 2)).map((c) => c.articleId)).toEqual([
        BANNED,
        A1,
        A3,
      ]);
      expect(await repository.findCollected(READER, 0)).toHaveLength(1);
    });

    it('reads one page in the same order, without removed collections, other readers or unapproved articles', async () => {
      expect(await repository.collectedPage(READER, 0, 10)).toEqual(LISTED);
      expect(await repository.collectedPage(READER, 1, 3)).toEqual([A3, A2, A5]);
      expect(await repository.collectedPage(READER, 4, 3)).toEqual([A6]);
      expect(await repository.collectedPage(READER, 5, 3)).toEqual([]);
    });

    it.each([
      ['visible', [ArticleStatus.Approved]],
      ['kept', [0, 1, 2, 3, 5]],
    ])(
      'reads the %s list along idx_news_collection_user_time, without sorting the rows',
      async (_list, statuses) => {
        const plan = await withTestConnection(database.settings, (query) =>
          query(
            `EXPLAIN SELECT c.article_id FROM news_collection c
           INNER JOIN news_article_basic a ON a.article_id = c.article_id
           WHERE c.user_id = ? AND c.is_deleted = 0 AND a.status IN (?)
           ORDER BY c.update_time DESC, c.article_id DESC LIMIT 3 OFFSET 1`,
            [READER, statuses],
          ),
        );
        expect(plan).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ table: 'c', key: 'idx_news_collection_user_time' }),
          ]),
        );
        expect(JSON.stringify(plan)).not.toContain('filesort');
      },
    );

    it('counts what the list holds', async () => {
      expect(await repository.countCollected(READER)).toBe(LISTED.length);
      expect(await repository.countCollected(OTHER_READER)).toBe(1);
      expect(await repository.countCollected('1294287382374383619')).toBe(0);
    });

    it('checks one article by its row, collected in any status but deleted', async () => {
      expect(await repository.isCollected(READER, A2)).toBe(true);
      expect(await repository.isCollected(READER, A4)).toBe(false);
      expect(await repository.isCollected(READER, BANNED)).toBe(true);
      expect(await repository.isCollected(READER, DELETED)).toBe(false);
      expect(await repository.isCollected(OTHER_READER, A1)).toBe(false);
      expect(await repository.isCollected(OTHER_READER, A2)).toBe(true);
    });
  });
});
