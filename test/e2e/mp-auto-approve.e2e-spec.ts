import type { authoringV1 } from '@app/contracts';
import { AUTHORING_GRPC, grpcClientToken, unary } from '@app/grpc';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { AuthoringRepository } from '../../apps/news/src/authoring/authoring.repository';
import { type ArticleStack, seedUsers, startArticleStack } from './support/article-stack';
import { writeDuringRead } from './support/held-read';

const TRUSTED = '1294287382374383950';
const OTHER = '1294287382374383951';
const ARTICLES = '/mp/v1_0/articles';

const body = (title: string) => ({
  title,
  content: `<p>${title}</p>`,
  cover: { type: 0, images: [] },
  channel_id: 1,
});

/**
 * AUTO_APPROVE_AUTHORS: what those authors submit is approved at once, as the reference approved
 * its user 1's, so an article published from toutiao-publish reaches the app without a review.
 */
describe('media platform articles of an author approved at once', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let authoring: authoringV1.AuthoringServiceClient;
  const auth = new Map<string, Record<string, string>>();

  const submit = async (as: string, title: string, draft = false): Promise<string> => {
    const reply = await mp.inject({
      method: 'POST',
      url: `${ARTICLES}?draft=${draft}`,
      payload: body(title),
      headers: auth.get(as),
    });
    expect(reply.statusCode).toBe(201);
    return reply.json<{ data: { id: string } }>().data.id;
  };
  const edit = async (as: string, id: string, title: string, draft = false): Promise<void> => {
    const reply = await mp.inject({
      method: 'PUT',
      url: `${ARTICLES}/${id}?draft=${draft}`,
      payload: body(title),
      headers: auth.get(as),
    });
    expect(reply.statusCode).toBe(201);
  };
  const stored = async (id: string) =>
    (
      (await stack.sql(
        'SELECT status, reviewer_id, review_time IS NOT NULL AS reviewed FROM news_article_basic WHERE article_id = ?',
        [id],
      )) as Array<{
        status: number;
        reviewer_id: number | null;
        reviewed: number;
      }>
    )[0];
  const inApp = async (id: string) =>
    (await stack.gateway.inject({ method: 'GET', url: `/app/v1_0/articles/${id}` })).statusCode;
  const review = (articleId: string, status: number) =>
    unary(authoring.reviewArticle({ articleId, status, reviewerId: 7, rejectReason: '' }));
  const approvedCount = async (userId: string) =>
    Number((await stack.state.zscore('count:user:arts', userId)) ?? 0);

  beforeAll(async () => {
    stack = await startArticleStack({ AUTO_APPROVE_AUTHORS: ` ${TRUSTED} , ` });
    await seedUsers(stack, [
      { id: TRUSTED, name: 'trusted' },
      { id: OTHER, name: 'other' },
    ]);
    await stack.sql(
      "INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)",
    );
    mp = await stack.startMediaPlatform();
    authoring = mp.get<authoringV1.AuthoringServiceClient>(grpcClientToken(AUTHORING_GRPC));
    for (const id of [TRUSTED, OTHER]) {
      auth.set(id, {
        authorization: `Bearer ${await stack.signIn(id, { verified: true, scope: 'mp' })}`,
      });
    }
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('approves a trusted author’s submitted article at once, by nobody, and the app shows it', async () => {
    const id = await submit(TRUSTED, 'Published and approved at once');
    expect(await stored(id)).toEqual({ status: 2, reviewer_id: null, reviewed: 1 });
    expect(await inApp(id)).toBe(200);
    expect(await approvedCount(TRUSTED)).toBe(1);
  });

  it('keeps a trusted author’s draft a draft, and approves it once submitted', async () => {
    const id = await submit(TRUSTED, 'Saved as a draft first', true);
    expect((await stored(id)).status).toBe(0);
    expect(await inApp(id)).toBe(404);
    await edit(TRUSTED, id, 'A draft, then submitted');
    expect((await stored(id)).status).toBe(2);
    expect(await inApp(id)).toBe(200);
    expect(await approvedCount(TRUSTED)).toBe(2);
  });

  it('approves a trusted author’s edit of an approved article again, counting it once', async () => {
    const id = await submit(TRUSTED, 'Approved, then edited');
    await edit(TRUSTED, id, 'Edited, approved again');
    expect((await stored(id)).status).toBe(2);
    expect(await inApp(id)).toBe(200);
    expect(await approvedCount(TRUSTED)).toBe(3);
  });

  it('answers both saves of an approved article clicked twice 201, the second approved by the first’s review, counting it once', async () => {
    const id = await submit(TRUSTED, 'Approved, then saved twice');
    const before = await approvedCount(TRUSTED);
    const save = () =>
      mp.inject({
        method: 'PUT',
        url: `${ARTICLES}/${id}?draft=false`,
        payload: body('Saved twice, approved'),
        headers: auth.get(TRUSTED),
      });
    let second: Awaited<ReturnType<typeof save>> | undefined;
    // The second save is written and approved between the first's write and its review.
    const first = await writeDuringRead(
      stack.newsService!.get(AuthoringRepository),
      'replace',
      save,
      async () => (second = await save()),
    );
    expect([first.statusCode, first.json()]).toEqual([201, { message: 'OK', data: { id } }]);
    expect([second?.statusCode, second?.json()]).toEqual([201, { message: 'OK', data: { id } }]);
    expect((await stored(id)).status).toBe(2);
    expect(await inApp(id)).toBe(200);
    expect(await approvedCount(TRUSTED)).toBe(before);
  });

  it('keeps an article an admin banned between a trusted save’s write and its approval banned', async () => {
    const id = await submit(TRUSTED, 'Approved, saved, then banned');
    const before = await approvedCount(TRUSTED);
    // An admin approves the saved text and bans it before the save's own approval.
    const saved = await writeDuringRead(
      stack.newsService!.get(AuthoringRepository),
      'replace',
      () =>
        mp.inject({
          method: 'PUT',
          url: `${ARTICLES}/${id}?draft=false`,
          payload: body('Saved, then banned'),
          headers: auth.get(TRUSTED),
        }),
      async () => {
        await review(id, 2);
        await review(id, 5);
      },
    );
    expect([saved.statusCode, saved.json()]).toEqual([201, { message: 'OK', data: { id } }]);
    expect(await stored(id)).toEqual({ status: 5, reviewer_id: 7, reviewed: 1 });
    expect(await inApp(id)).toBe(404);
    expect(await approvedCount(TRUSTED)).toBe(before - 1);
  });

  it('leaves another author’s article pending review', async () => {
    const id = await submit(OTHER, 'Waits for a reviewer');
    expect(await stored(id)).toEqual({ status: 1, reviewer_id: null, reviewed: 0 });
    expect(await inApp(id)).toBe(404);
    expect(await approvedCount(OTHER)).toBe(0);
  });
});
