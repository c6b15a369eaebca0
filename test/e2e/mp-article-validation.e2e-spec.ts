import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { type ArticleStack, IMG, seedUsers, startArticleStack } from './support/article-stack';

const A = '1294287382374383910';
const ARTICLES = '/mp/v1_0/articles';

const body = (overrides: Record<string, unknown> = {}) => ({
  title: 'A title that is fine',
  content: '<p>hello</p>',
  cover: { type: 0, images: [] },
  channel_id: 1,
  ...overrides,
});

/**
 * The reference parsed these bodies with reqparse, whose argument types refuse a field with
 * 400 `{"message":{"<field>":"<error>"}}`: the media platform's own checks and the news service's,
 * whose errors cross gRPC, answer alike.
 */
describe('media platform article bodies refused by field (POST and PUT /articles)', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let auth: Record<string, string>;
  let own: string;

  const count = async (): Promise<number> =>
    Number(
      ((await stack.sql('SELECT COUNT(*) AS n FROM news_article_basic')) as Array<{ n: string }>)[0]
        .n,
    );
  const ownRow = async (): Promise<unknown> =>
    (
      (await stack.sql('SELECT * FROM news_article_basic WHERE article_id = ?', [own])) as unknown[]
    )[0];

  /** The POST and the PUT of an own draft, each as `[status, body]`. */
  const both = async (payload: object, query = '?draft=true'): Promise<unknown[]> => {
    const created = await mp.inject({
      method: 'POST',
      url: `${ARTICLES}${query}`,
      payload,
      headers: auth,
    });
    const edited = await mp.inject({
      method: 'PUT',
      url: `${ARTICLES}/${own}${query}`,
      payload,
      headers: auth,
    });
    return [
      [created.statusCode, created.json()],
      [edited.statusCode, edited.json()],
    ];
  };

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [{ id: A, name: 'author-a' }]);
    await stack.sql(
      "INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1), (3, 'hidden', 3, 0, 0)",
    );
    mp = await stack.startMediaPlatform();
    auth = { authorization: `Bearer ${await stack.signIn(A, { verified: true, scope: 'mp' })}` };
    const reply = await mp.inject({
      method: 'POST',
      url: `${ARTICLES}?draft=true`,
      payload: body(),
      headers: auth,
    });
    expect(reply.statusCode).toBe(201);
    own = reply.json<{ data: { id: string } }>().data.id;
  });

  afterAll(async () => {
    await stack?.close();
  });

  it.each([
    // refused by the news service
    ['a type but -1, 0, 1 or 3', { type: 2, images: [`${IMG}a.png`, `${IMG}b.png`] }],
    ['fewer images than the type', { type: 3, images: [`${IMG}a.png`] }],
    ['an image on another host', { type: 1, images: ['http://evil.test/a.png'] }],
    // refused by the media platform
    ['an array', []],
    ['a string', 'cover'],
    ['a type beyond 32 bits', { type: 4294967297, images: [`${IMG}a.png`] }],
    ['a type that is no integer', { type: '1', images: [`${IMG}a.png`] }],
    ['images that are no array', { type: 1, images: `${IMG}a.png` }],
    ['an image that is no string', { type: 1, images: [1] }],
  ])('answers a cover that is %s {"cover":"Invalid cover param."}', async (_name, cover) => {
    const before = [await count(), await ownRow()];
    const bad = [400, { message: { cover: 'Invalid cover param.' } }];
    expect(await both(body({ cover }))).toEqual([bad, bad]);
    expect([await count(), await ownRow()]).toEqual(before);
  });

  it.each([
    [0, 'Invalid channel id param.'],
    [999, 'Invalid channel id.'],
    [3, 'Invalid channel id.'],
    [-1, 'Invalid channel id.'],
    [4294967297, 'Invalid channel id.'],
    ['html', 'Invalid channel id.'],
  ])('answers channel_id %p {"channel_id":"%s"}', async (channelId, message) => {
    const before = [await count(), await ownRow()];
    const bad = [400, { message: { channel_id: message } }];
    expect(await both(body({ channel_id: channelId }))).toEqual([bad, bad]);
    expect([await count(), await ownRow()]).toEqual(before);
  });

  it('answers a missing cover or channel_id by the field, apart from an invalid one', async () => {
    expect(await both(body({ cover: undefined, channel_id: undefined }))).toEqual([
      [
        400,
        {
          message: {
            cover: 'cover should not be null or undefined',
            channel_id: 'channel_id should not be null or undefined',
          },
        },
      ],
      [
        400,
        {
          message: {
            cover: 'cover should not be null or undefined',
            channel_id: 'channel_id should not be null or undefined',
          },
        },
      ],
    ]);
  });

  it.each([
    ['of fewer than 5 characters once trimmed', '   abc   '],
    ['of fewer than 5 characters', 'abc'],
    ['of more than 30 characters', 't'.repeat(31)],
  ])('answers a title %s {"title":"Invalid title param."}', async (_name, title) => {
    const bad = [400, { message: { title: 'Invalid title param.' } }];
    expect(await both(body({ title }))).toEqual([bad, bad]);
  });

  it.each([
    ['5 code points, 3 of them emoji with their selector', '❤\ufe0f❤\ufe0f!'],
    ['30 astral code points', '😀'.repeat(30)],
  ])('takes a title of %s, counted as the news service counts it', async (_name, title) => {
    const [[created, createdBody], [edited]] = (await both(body({ title }))) as Array<
      [number, { data: { id: string } }]
    >;
    expect([created, edited]).toEqual([201, 201]);
    const rows = (await stack.sql(
      'SELECT title FROM news_article_basic WHERE article_id IN (?, ?)',
      [createdBody.data.id, own],
    )) as Array<{ title: string }>;
    expect(rows.map((row) => row.title)).toEqual([title, title]);
    await both(body());
  });

  it('answers a title of 31 code points, 15 emoji with their selector and one more, {"title":"Invalid title param."}', async () => {
    const bad = [400, { message: { title: 'Invalid title param.' } }];
    expect(await both(body({ title: `${'❤\ufe0f'.repeat(15)}!` }))).toEqual([bad, bad]);
  });

  it.each([
    ['with nothing left once sanitised', '<script>alert(1)</script>'],
    ['that is empty', ''],
  ])('answers a content %s {"content":"Invalid content param."}', async (_name, content) => {
    const bad = [400, { message: { content: 'Invalid content param.' } }];
    expect(await both(body({ content }))).toEqual([bad, bad]);
  });

  it.each(['?draft=yes', '?draft='])('answers %s by the draft field', async (query) => {
    const bad = [400, { message: { draft: 'draft must be a boolean value' } }];
    expect(await both(body(), query)).toEqual([bad, bad]);
  });

  it('checks the body before the article, as the reference parsed it first', async () => {
    const reply = await mp.inject({
      method: 'PUT',
      url: `${ARTICLES}/1294287382374383999?draft=true`,
      payload: body({ channel_id: 0 }),
      headers: auth,
    });
    expect([reply.statusCode, reply.json()]).toEqual([
      400,
      { message: { channel_id: 'Invalid channel id param.' } },
    ]);
    const valid = await mp.inject({
      method: 'PUT',
      url: `${ARTICLES}/1294287382374383999?draft=true`,
      payload: body(),
      headers: auth,
    });
    expect([valid.statusCode, valid.json()]).toEqual([400, { message: 'Invalid article.' }]);
  });
});
