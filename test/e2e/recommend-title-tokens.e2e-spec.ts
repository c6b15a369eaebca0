import { type articleV1 } from '@app/contracts';
import { ARTICLE_GRPC, grpcClientToken } from '@app/grpc';
import { withTestConnection } from '@app/testing';

import { CandidateRefresher } from '../../apps/recommend/src/candidates/candidate-refresher';
import { ArticleRecommendService } from '../../apps/recommend/src/related/article-recommend.service';
import { TitleTokenizer } from '../../apps/recommend/src/related/title-tokenizer';
import { sqlTime } from './support/article-times';
import { type RecommendStack, startRecommendStack } from './support/recommend-stack';

const AUTHOR = '1100000000000000001';
const NOW = Date.now();
const INTRO = '1300000000000002001';
/** Saved before the edges refused control characters; repaired since by the news migration. */
const ADVANCED = '1300000000000002002';
const WEATHER = '1300000000000002003';
const STORED_TITLE = 'Py\u0000thon 并\u0007发编程进阶';
const REPAIRED_TITLE = 'Python 并发编程进阶';
/** What the release before cut from the stored title: control characters split its words. */
const TOKENS_CUT_BEFORE = 'py thon 编程 进阶';

describe('recommend title tokens of titles stored with control characters', () => {
  let stack: RecommendStack;

  beforeAll(async () => {
    stack = await startRecommendStack(async (query) => {
      await query(
        `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (2, 'python', 1, 1, 1)`,
      );
      const rows: Array<[string, string, number]> = [
        [INTRO, 'Python 并发编程入门', 40],
        [ADVANCED, STORED_TITLE, 41],
        [WEATHER, '今日天气', 30],
      ];
      for (const [articleId, title, minutesAgo] of rows) {
        await query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment, create_time, update_time)
           VALUES (?, ?, 2, ?, '{"type":0,"images":[]}', 2, 1, ?, ?)`,
          [
            articleId,
            AUTHOR,
            title,
            sqlTime(NOW - minutesAgo * 60_000),
            sqlTime(NOW - minutesAgo * 60_000),
          ],
        );
      }
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('cuts the title words of every pooled article again at the first rebuild after the release before, then reads no card again', async () => {
    const refresher = stack.recommend.get(CandidateRefresher);
    await refresher.refresh();
    // The pools as the release before left them: its tokens, cut from the stored title, and no
    // record of how they were cut. The migration has repaired the title in news since.
    await stack.state.hset('reco:art:tokens', ADVANCED, TOKENS_CUT_BEFORE);
    await stack.state.del('reco:art:tokens:cutting');
    await withTestConnection(stack.database.settings, (query) =>
      query('UPDATE news_article_basic SET title = ? WHERE article_id = ?', [
        REPAIRED_TITLE,
        ADVANCED,
      ]),
    );

    await refresher.refresh();
    const repaired = new TitleTokenizer().tokens(REPAIRED_TITLE);
    expect(repaired).toEqual(expect.arrayContaining(['python', '并发']));
    expect(await stack.state.hget('reco:art:tokens', ADVANCED)).toBe(repaired.join(' '));
    for (const tokens of Object.values(await stack.state.hgetall('reco:art:tokens')))
      expect(tokens).not.toMatch(/\p{Cc}/u);
    expect(await stack.recommend.get(ArticleRecommendService).similar(INTRO, 1)).toEqual([
      ADVANCED,
    ]);

    const articles = stack.recommend.get<articleV1.ArticleServiceClient>(
      grpcClientToken(ARTICLE_GRPC),
    );
    const getCards = jest.spyOn(articles, 'getArticleCards');
    try {
      await refresher.refresh();
      expect(getCards).not.toHaveBeenCalled();
    } finally {
      getCards.mockRestore();
    }
  });
});
