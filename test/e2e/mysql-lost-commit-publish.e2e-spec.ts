import { CounterKeys, queueConnectionOptions } from '@app/cache';
import type { authoringV1 } from '@app/contracts';
import { AUTHORING_GRPC, grpcClientToken, unary } from '@app/grpc';
import { JobName, QueueName, queuePrefix } from '@app/queue';
import { eventually, TEST_MYSQL_SERVER } from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';

import { CommitCutter } from './support/commit-cutter';
import { type ArticleStack, seedUsers, startArticleStack } from './support/article-stack';

const AUTHOR = '1294287382374383960';
const TRUSTED = '1294287382374383961';
const ARTICLES = '/mp/v1_0/articles';

const body = (title: string) => ({
  title,
  content: `<p>${title}</p>`,
  cover: { type: 0, images: [] },
  channel_id: 1,
});

/**
 * The media platform and news on the shared MariaDB through a relay that drops a connection once
 * the server committed its transaction and before the client heard so: whether the article was
 * written is then unknown to the service. The author's client sends a save that failed again.
 */
describe('a publish whose COMMIT MySQL applied but whose answer was lost (e2e: media platform, user and news through a relay)', () => {
  let cutter: CommitCutter;
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let queues: Queue[];
  const auth = new Map<string, Record<string, string>>();

  /** The save as the author's client sends it: once more when it was not answered done. */
  const saveRetried = async (as: string, method: 'POST' | 'PUT', url: string, title: string) => {
    const save = () => mp.inject({ method, url, payload: body(title), headers: auth.get(as) });
    const first = await save();
    return first.statusCode === 201 ? [first] : [first, await save()];
  };
  const articlesTitled = async (title: string) =>
    (await stack.sql('SELECT article_id, status FROM news_article_basic WHERE title = ?', [
      title,
    ])) as Array<{ article_id: string; status: number }>;
  const approvedCount = async (userId: string) =>
    Number(await stack.state.zscore(CounterKeys.userArticles, userId));
  const queuedJobsOf = async (articleId: string) =>
    (
      await Promise.all(
        queues.map((queue) =>
          queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed'], 0, -1),
        ),
      )
    )
      .flat()
      .filter((job) => (job.data as { articleId?: string }).articleId === articleId)
      .map((job) => job.name)
      .sort();

  beforeAll(async () => {
    cutter = new CommitCutter({
      host: TEST_MYSQL_SERVER.MYSQL_HOST,
      port: TEST_MYSQL_SERVER.MYSQL_PORT,
    });
    const port = await cutter.listen();
    stack = await startArticleStack({ AUTO_APPROVE_AUTHORS: TRUSTED }, undefined, {
      ...TEST_MYSQL_SERVER,
      MYSQL_HOST: '127.0.0.1',
      MYSQL_PORT: port,
    });
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author' },
      { id: TRUSTED, name: 'trusted' },
    ]);
    await stack.sql(
      "INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)",
    );
    mp = await stack.startMediaPlatform();
    for (const id of [AUTHOR, TRUSTED]) {
      auth.set(id, {
        authorization: `Bearer ${await stack.signIn(id, { verified: true, scope: 'mp' })}`,
      });
    }
    queues = [QueueName.SearchIndex, QueueName.Candidates].map(
      (name) =>
        new Queue(name, {
          connection: queueConnectionOptions(stack.redis.queueUrl),
          prefix: queuePrefix(stack.redis.prefix),
        }),
    );
  });

  afterAll(async () => {
    await Promise.all((queues ?? []).map((queue) => queue.close()));
    await stack?.close();
    await cutter?.close();
  });

  it('answers a submitted article whose commit was stored as created, so that the author makes no second one', async () => {
    const title = 'Submitted, the answer lost';
    const cut = cutter.cutCommitAfter('INSERT INTO `news_article_basic`');
    const replies = await saveRetried(AUTHOR, 'POST', `${ARTICLES}?draft=false`, title);
    await cut;

    const stored = await articlesTitled(title);
    expect({
      statuses: replies.map((reply) => reply.statusCode),
      ids: replies.map((reply) => reply.json<{ data?: { id: string } }>().data?.id),
      stored,
    }).toEqual({
      statuses: [201],
      ids: [stored[0]?.article_id],
      stored: [{ article_id: stored[0]?.article_id, status: 1 }],
    });
  });

  it('answers an edit of an approved article whose commit was stored as done and takes it from the author’s approved count once', async () => {
    const title = 'Approved, then edited';
    const created = await mp.inject({
      method: 'POST',
      url: `${ARTICLES}?draft=false`,
      payload: body(title),
      headers: auth.get(AUTHOR),
    });
    const id = created.json<{ data: { id: string } }>().data.id;
    const authoring = mp.get<authoringV1.AuthoringServiceClient>(grpcClientToken(AUTHORING_GRPC));
    await unary(
      authoring.reviewArticle({ articleId: id, status: 2, reviewerId: 7, rejectReason: '' }),
    );
    const before = await approvedCount(AUTHOR);

    const cut = cutter.cutCommitAfter('UPDATE `news_article_basic` SET `title`');
    const replies = await saveRetried(AUTHOR, 'PUT', `${ARTICLES}/${id}?draft=false`, 'Edited');
    await cut;

    const inApp = await stack.gateway.inject({ method: 'GET', url: `/app/v1_0/articles/${id}` });
    expect({
      statuses: replies.map((reply) => reply.statusCode),
      stored: await articlesTitled('Edited'),
      moved: (await approvedCount(AUTHOR)) - before,
      inApp: inApp.statusCode,
    }).toEqual({
      statuses: [201],
      stored: [{ article_id: id, status: 1 }],
      moved: -1,
      inApp: 404,
    });
  });

  it('answers a draft saved again as a draft whose commit was stored as done', async () => {
    const created = await mp.inject({
      method: 'POST',
      url: `${ARTICLES}?draft=true`,
      payload: body('A draft, saved again'),
      headers: auth.get(AUTHOR),
    });
    const id = created.json<{ data: { id: string } }>().data.id;

    const cut = cutter.cutCommitAfter('UPDATE `news_article_basic` SET `title`');
    const replies = await saveRetried(
      AUTHOR,
      'PUT',
      `${ARTICLES}/${id}?draft=true`,
      'A draft, the answer lost',
    );
    await cut;

    expect({
      statuses: replies.map((reply) => reply.statusCode),
      stored: await articlesTitled('A draft, the answer lost'),
    }).toEqual({ statuses: [201], stored: [{ article_id: id, status: 0 }] });
  });

  it('counts a trusted author’s article whose approval’s commit was stored once, its search and candidate jobs queued once', async () => {
    const title = 'Trusted, the answer lost';
    const before = await approvedCount(TRUSTED);
    const cut = cutter.cutCommitAfter('`news_article_basic` SET `status`');
    const replies = await saveRetried(TRUSTED, 'POST', `${ARTICLES}?draft=false`, title);
    await cut;

    const stored = await articlesTitled(title);
    const id = stored[0]?.article_id ?? '';
    expect({
      statuses: replies.map((reply) => reply.statusCode),
      stored,
      moved: (await approvedCount(TRUSTED)) - before,
      jobs: await eventually(
        () => queuedJobsOf(id),
        (names) => names.length >= 2,
        'its jobs',
      ),
    }).toEqual({
      statuses: [201],
      stored: [{ article_id: id, status: 2 }],
      moved: 1,
      jobs: [JobName.IndexArticle, JobName.RefreshCandidate].sort(),
    });
  });

  /** A new article of `as`, submitted, moved by an admin to `status` when given. */
  const articleOf = async (as: string, title: string, status?: number) => {
    const created = await mp.inject({
      method: 'POST',
      url: `${ARTICLES}?draft=false`,
      payload: body(title),
      headers: auth.get(as),
    });
    const id = created.json<{ data: { id: string } }>().data.id;
    if (status !== undefined) await review(id, status, 7);
    return id;
  };
  const review = (articleId: string, status: number, reviewerId: number) =>
    unary(
      mp
        .get<authoringV1.AuthoringServiceClient>(grpcClientToken(AUTHORING_GRPC))
        .reviewArticle({ articleId, status, reviewerId, rejectReason: '' }),
    );
  const outcome = (reviewed: Promise<unknown>) =>
    reviewed.then(
      () => 'done',
      (error: { code?: number }) => `code ${error.code}`,
    );

  it('answers an admin’s approval whose commit was stored as done and counts it once', async () => {
    const id = await articleOf(AUTHOR, 'Approved, the answer lost');
    const before = await approvedCount(AUTHOR);

    const cut = cutter.cutCommitAfter('`news_article_basic` SET `status`');
    const answered = await outcome(review(id, 2, 7));
    await cut;

    expect({
      answered,
      stored: await articlesTitled('Approved, the answer lost'),
      moved: (await approvedCount(AUTHOR)) - before,
    }).toEqual({ answered: 'done', stored: [{ article_id: id, status: 2 }], moved: 1 });
  });

  it('answers a delete whose commit was stored as done, where its retry found nothing to delete', async () => {
    const id = await articleOf(AUTHOR, 'Deleted, the answer lost');

    const cut = cutter.cutCommitAfter('`news_article_basic` SET `status`');
    const replies = [
      await mp.inject({ method: 'DELETE', url: `${ARTICLES}/${id}`, headers: auth.get(AUTHOR) }),
    ];
    await cut;

    expect({
      statuses: replies.map((reply) => reply.statusCode),
      stored: await articlesTitled('Deleted, the answer lost'),
    }).toEqual({ statuses: [204], stored: [{ article_id: id, status: 4 }] });
  });

  it('does not take an approval a second admin made, after its own was rolled back unanswered, for its own', async () => {
    const id = await articleOf(AUTHOR, 'Approved by the second admin');
    const before = await approvedCount(AUTHOR);

    const held = cutter.holdCommit('`news_article_basic` SET `status`', false);
    const first = outcome(review(id, 2, 7));
    const release = await held;
    const second = await outcome(review(id, 2, 8));
    release();

    const [stored] = (await stack.sql(
      'SELECT status, reviewer_id FROM news_article_basic WHERE article_id = ?',
      [id],
    )) as Array<{ status: number; reviewer_id: number }>;
    expect({
      answered: [await first, second],
      stored,
      moved: (await approvedCount(AUTHOR)) - before,
    }).toEqual({
      answered: ['code 14', 'done'],
      stored: { status: 2, reviewer_id: 8 },
      moved: 1,
    });
  });

  it('does not take the same edit saved from a second tab, after its own was rolled back unanswered, for its own', async () => {
    const id = await articleOf(AUTHOR, 'Approved, saved from two tabs', 2);
    const before = await approvedCount(AUTHOR);

    const held = cutter.holdCommit('UPDATE `news_article_basic` SET `title`', false);
    const save = () =>
      mp.inject({
        method: 'PUT',
        url: `${ARTICLES}/${id}?draft=false`,
        payload: body('Saved from two tabs'),
        headers: auth.get(AUTHOR),
      });
    const first = save();
    const release = await held;
    const second = await save();
    release();

    expect({
      statuses: [(await first).statusCode, second.statusCode],
      stored: await articlesTitled('Saved from two tabs'),
      moved: (await approvedCount(AUTHOR)) - before,
    }).toEqual({
      statuses: [503, 201],
      stored: [{ article_id: id, status: 1 }],
      moved: -1,
    });
  });

  it('counts an edit whose commit was stored once, when the same save from a second tab, edited after it, is read first', async () => {
    const id = await articleOf(AUTHOR, 'Approved, saved again after', 2);
    const before = await approvedCount(AUTHOR);

    const held = cutter.holdCommit('UPDATE `news_article_basic` SET `title`', true);
    const save = () =>
      mp.inject({
        method: 'PUT',
        url: `${ARTICLES}/${id}?draft=false`,
        payload: body('Saved again after'),
        headers: auth.get(AUTHOR),
      });
    const first = save();
    const release = await held;
    const second = await save();
    release();

    expect({
      statuses: [(await first).statusCode, second.statusCode],
      stored: await articlesTitled('Saved again after'),
      moved: (await approvedCount(AUTHOR)) - before,
    }).toEqual({
      statuses: [201, 201],
      stored: [{ article_id: id, status: 1 }],
      moved: -1,
    });
  });
});
