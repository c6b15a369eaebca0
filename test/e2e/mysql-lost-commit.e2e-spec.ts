import { CounterKeys } from '@app/cache';
import { TEST_MYSQL_SERVER } from '@app/testing';

import { CommitCutter } from './support/commit-cutter';
import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';
import { articleIdAt, sqlTime } from './support/article-times';

const AUTHOR = '1294287382374383716';
const READER = '1294287382374383717';
const CREATED = Date.parse('2024-01-01T00:01:00Z');
const ARTICLE = articleIdAt(CREATED);

interface CommentList {
  data: { total_count: number; results: Array<{ com_id: string; content: string }> };
}

/**
 * The news service on the shared MariaDB through a relay that drops a connection once the server
 * committed its transaction and before the client heard so: whether the write was stored is
 * then unknown to the service.
 */
describe('a MySQL connection lost with the reply to its COMMIT (e2e: gateway, user and news through a relay)', () => {
  let cutter: CommitCutter;
  let stack: ArticleStack;
  let token: string;

  beforeAll(async () => {
    cutter = new CommitCutter({
      host: TEST_MYSQL_SERVER.MYSQL_HOST,
      port: TEST_MYSQL_SERVER.MYSQL_PORT,
    });
    const port = await cutter.listen();
    stack = await startArticleStack({}, undefined, {
      ...TEST_MYSQL_SERVER,
      MYSQL_HOST: '127.0.0.1',
      MYSQL_PORT: port,
    });
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author' },
      { id: READER, name: 'reader' },
    ]);
    await seedArticles(stack, [
      {
        id: ARTICLE,
        authorId: AUTHOR,
        channelId: 1,
        title: 'lost commit',
        status: 2,
        createdAt: sqlTime(CREATED),
      },
    ]);
    token = `Bearer ${await stack.signIn(READER)}`;
  });

  afterAll(async () => {
    await stack?.close();
    await cutter?.close();
  });

  it('answers a comment whose commit was stored as posted, counts it once and lists it', async () => {
    const cut = cutter.cutCommitAfter('INSERT INTO `news_comment`');
    const posted = await stack.gateway.inject({
      method: 'POST',
      url: '/app/v1_0/comments',
      headers: { authorization: token },
      payload: { target: ARTICLE, content: 'committed, reply lost' },
    });
    await cut;

    expect(
      await stack.sql('SELECT content FROM news_comment WHERE article_id = ?', [ARTICLE]),
    ).toEqual([{ content: 'committed, reply lost' }]);
    const counted = Number(await stack.state.zscore(CounterKeys.articleComments, ARTICLE));
    const listed = await stack.gateway.inject({
      method: 'GET',
      url: `/app/v1_0/comments?type=a&source=${ARTICLE}`,
    });
    const contents = (JSON.parse(listed.body) as CommentList).data.results.map(
      (comment) => comment.content,
    );
    expect({ status: posted.statusCode, counted, contents }).toEqual({
      status: 201,
      counted: 1,
      contents: ['committed, reply lost'],
    });
  });

  it('answers a collection whose write was applied as done and counts it once, the client sending it again', async () => {
    const collect = () =>
      stack.gateway.inject({
        method: 'POST',
        url: '/app/v1_0/article/collections',
        headers: { authorization: token },
        payload: { target: ARTICLE },
      });
    const cut = cutter.cutStatement('news_collection`(');
    const lost = await collect();
    await cut;
    const again = await collect();

    const score = async (key: string, member: string) =>
      Number(await stack.state.zscore(key, member));
    expect({
      statuses: [lost.statusCode, again.statusCode],
      rows: await stack.sql('SELECT is_deleted FROM news_collection WHERE article_id = ?', [
        ARTICLE,
      ]),
      article: await score(CounterKeys.articleCollections, ARTICLE),
      reader: await score(CounterKeys.userCollections, READER),
    }).toEqual({ statuses: [201, 201], rows: [{ is_deleted: 0 }], article: 1, reader: 1 });
  });

  it('answers a like whose write was applied as done and counts it once, the client sending it again', async () => {
    const like = () =>
      stack.gateway.inject({
        method: 'POST',
        url: '/app/v1_0/article/likings',
        headers: { authorization: token },
        payload: { target: ARTICLE },
      });
    const cut = cutter.cutStatement('news_attitude`(');
    const lost = await like();
    await cut;
    const again = await like();

    const score = async (key: string, member: string) =>
      Number(await stack.state.zscore(key, member));
    expect({
      statuses: [lost.statusCode, again.statusCode],
      rows: await stack.sql('SELECT attitude FROM news_attitude WHERE article_id = ?', [ARTICLE]),
      article: await score(CounterKeys.articleLikes, ARTICLE),
      author: await score(CounterKeys.userLikesReceived, AUTHOR),
    }).toEqual({ statuses: [201, 201], rows: [{ attitude: 1 }], article: 1, author: 1 });
  });

  it('answers a follow whose commit was stored as done and counts it once, the client sending it again', async () => {
    const follow = () =>
      stack.gateway.inject({
        method: 'POST',
        url: '/app/v1_0/user/followings',
        headers: { authorization: token },
        payload: { target: AUTHOR },
      });
    const cut = cutter.cutCommitAfter('INSERT INTO user_relation');
    const lost = await follow();
    await cut;
    const again = await follow();

    const score = async (key: string, member: string) =>
      Number(await stack.state.zscore(key, member));
    expect({
      statuses: [lost.statusCode, again.statusCode],
      followings: await score(CounterKeys.userFollowings, READER),
      followers: await score(CounterKeys.userFollowers, AUTHOR),
    }).toEqual({ statuses: [201, 201], followings: 1, followers: 1 });
  });

  it('answers an unfollow whose write was applied as done and counts it once, the client sending it again', async () => {
    const unfollow = () =>
      stack.gateway.inject({
        method: 'DELETE',
        url: `/app/v1_0/user/followings/${AUTHOR}`,
        headers: { authorization: token },
      });
    const cut = cutter.cutStatement('UPDATE `user_relation`');
    const lost = await unfollow();
    await cut;
    const again = await unfollow();

    const score = async (key: string, member: string) =>
      Number(await stack.state.zscore(key, member));
    expect({
      statuses: [lost.statusCode, again.statusCode],
      followings: await score(CounterKeys.userFollowings, READER),
      followers: await score(CounterKeys.userFollowers, AUTHOR),
    }).toEqual({ statuses: [204, 204], followings: 0, followers: 0 });
  });

  it.each([
    ['an unlike', 'likings', 'UPDATE `news_attitude`', [CounterKeys.articleLikes, ARTICLE]],
    [
      'an uncollect',
      'collections',
      'UPDATE `news_collection`',
      [CounterKeys.articleCollections, ARTICLE],
    ],
  ] as const)(
    'answers %s whose write was applied as done and counts it once, the client sending it again',
    async (_, path, marker, [key, member]) => {
      const takeBack = () =>
        stack.gateway.inject({
          method: 'DELETE',
          url: `/app/v1_0/article/${path}/${ARTICLE}`,
          headers: { authorization: token },
        });
      expect(Number(await stack.state.zscore(key, member))).toBe(1);
      const cut = cutter.cutStatement(marker);
      const lost = await takeBack();
      await cut;
      const again = await takeBack();

      expect({
        statuses: [lost.statusCode, again.statusCode],
        counted: Number(await stack.state.zscore(key, member)),
      }).toEqual({ statuses: [204, 204], counted: 0 });
    },
  );

  // The rows the tests above left (no attitude, not collected, no follow) as if written long ago:
  // a write that changes nothing on them, its answer lost, must not be counted as a change.
  it.each([
    ['an unlike of an article not liked', 'DELETE', 'likings', 'UPDATE `news_attitude`', 204],
    [
      'an uncollect of an article not collected',
      'DELETE',
      'collections',
      'UPDATE `news_collection`',
      204,
    ],
    [
      'an unfollow of an author not followed',
      'DELETE',
      'followings',
      'UPDATE `user_relation`',
      204,
    ],
    ['a like of an article liked long ago', 'POST', 'likings', 'news_attitude`(', 201],
    ['a collect of an article collected long ago', 'POST', 'collections', 'news_collection`(', 201],
  ] as const)(
    'answers %s whose answer was lost as failed and counts nothing, the client sending it again',
    async (_, method, path, marker, done) => {
      const send = () =>
        stack.gateway.inject({
          method,
          url:
            path === 'followings'
              ? `/app/v1_0/user/followings/${AUTHOR}`
              : method === 'DELETE'
                ? `/app/v1_0/article/${path}/${ARTICLE}`
                : `/app/v1_0/article/${path}`,
          headers: { authorization: token },
          payload: method === 'POST' ? { target: ARTICLE } : undefined,
        });
      if (method === 'POST') expect((await send()).statusCode).toBe(201);
      await ageRows();
      const counts = () =>
        Promise.all(
          [
            [CounterKeys.articleLikes, ARTICLE],
            [CounterKeys.articleCollections, ARTICLE],
            [CounterKeys.userFollowings, READER],
          ].map(async ([key, member]) => Number(await stack.state.zscore(key, member))),
        );
      const before = await counts();
      const cut = cutter.cutStatement(marker);
      const lost = await send();
      await cut;
      const again = await send();

      expect({ statuses: [lost.statusCode, again.statusCode], counts: await counts() }).toEqual({
        statuses: [503, done],
        counts: before,
      });
    },
  );

  it('answers a dislike of a liked article whose commit was stored as done and moves both counters once, the client sending it again', async () => {
    const dislike = () =>
      stack.gateway.inject({
        method: 'POST',
        url: '/app/v1_0/article/dislikes',
        headers: { authorization: token },
        payload: { target: ARTICLE },
      });
    const score = async (key: string) => Number(await stack.state.zscore(key, ARTICLE));
    const likes = await score(CounterKeys.articleLikes);
    const dislikes = await score(CounterKeys.articleDislikes);
    const cut = cutter.cutCommitAfter('FOR UPDATE');
    const lost = await dislike();
    await cut;
    const again = await dislike();

    expect({
      statuses: [lost.statusCode, again.statusCode],
      rows: await stack.sql('SELECT attitude FROM news_attitude WHERE article_id = ?', [ARTICLE]),
      moved: [
        (await score(CounterKeys.articleLikes)) - likes,
        (await score(CounterKeys.articleDislikes)) - dislikes,
      ],
    }).toEqual({ statuses: [201, 201], rows: [{ attitude: 0 }], moved: [-1, 1] });
  });

  async function ageRows(): Promise<void> {
    const longAgo = '2024-01-02 00:00:00';
    await stack.sql('UPDATE news_attitude SET update_time = ? WHERE article_id = ?', [
      longAgo,
      ARTICLE,
    ]);
    await stack.sql('UPDATE news_collection SET update_time = ? WHERE article_id = ?', [
      longAgo,
      ARTICLE,
    ]);
    await stack.sql('UPDATE user_relation SET update_time = ? WHERE user_id = ?', [
      longAgo,
      READER,
    ]);
  }
});
