import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { authoringV1 } from '@app/contracts';
import { AUTHORING_GRPC, grpcClientToken, unary } from '@app/grpc';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { IMAGE_FIXTURES } from '../../libs/storage/src/image-fixtures.stub';
import { type ArticleStack, IMG, startArticleStack } from './support/article-stack';

const AUTHOR = { id: '1294287382374384000', mobile: '13922220001' };
const READER = '1294287382374384001';
type Headers = Record<string, string>;

function multipartImage(content: Buffer): { payload: Buffer; headers: Headers } {
  const boundary = `----flow${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="cover.png"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** An author's whole path: sign in, upload, draft, submit, review, readers see it, comments get closed. */
describe('media platform flow: from sign-in to a published article with closed comments', () => {
  const uploads = mkdtempSync(join(tmpdir(), 'tt-mp-flow-'));
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let authoring: authoringV1.AuthoringServiceClient;

  beforeAll(async () => {
    stack = await startArticleStack({ STORAGE_LOCAL_DIR: join(uploads, 'images') });
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, status, is_media, is_verified) VALUES
       (?, ?, 'flow-author', 1, 1, 1), (?, '13922220002', 'flow-reader', 1, 0, 0)`,
      [AUTHOR.id, AUTHOR.mobile, READER],
    );
    await stack.sql(
      "INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)",
    );
    mp = await stack.startMediaPlatform();
    authoring = mp.get<authoringV1.AuthoringServiceClient>(grpcClientToken(AUTHORING_GRPC));
  });

  afterAll(async () => {
    await stack?.close();
    rmSync(uploads, { recursive: true, force: true });
  });

  it('publishes through review and lets the author close comments', async () => {
    // 1. SMS sign-in through the user service.
    expect(
      (await mp.inject({ method: 'GET', url: `/mp/v1_0/sms/codes/${AUTHOR.mobile}` })).statusCode,
    ).toBe(200);
    const code = (await stack.state.hget(`mp:code:${AUTHOR.mobile}`, 'code')) ?? '';
    const login = await mp.inject({
      method: 'POST',
      url: '/mp/v1_0/authorizations',
      payload: { mobile: AUTHOR.mobile, code, agree: true },
    });
    expect(login.statusCode).toBe(201);
    const author: Headers = {
      authorization: `Bearer ${login.json<{ data: { token: string } }>().data.token}`,
    };

    // 2. An image for the cover, from the author's library.
    const image = multipartImage(IMAGE_FIXTURES.png);
    const uploaded = await mp.inject({
      method: 'POST',
      url: '/mp/v1_0/user/images',
      payload: image.payload,
      headers: { ...author, ...image.headers },
    });
    expect(uploaded.statusCode).toBe(201);
    const coverUrl = uploaded.json<{ data: { url: string } }>().data.url;
    expect(coverUrl.startsWith(IMG)).toBe(true);

    // 3. A draft with that cover.
    const created = await mp.inject({
      method: 'POST',
      url: '/mp/v1_0/articles?draft=true',
      payload: {
        title: 'My first flow article',
        content: '<p>Body of the flow article</p>',
        cover: { type: 1, images: [coverUrl] },
        channel_id: 1,
      },
      headers: author,
    });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ data: { id: string } }>().data.id;

    // 4. Submit: the publish admin loads the article and sends all of it back with draft=false.
    const loaded = (
      await mp.inject({ method: 'GET', url: `/mp/v1_0/articles/${id}`, headers: author })
    ).json<{ data: Record<string, unknown> }>().data;
    expect(loaded).toMatchObject({ id, cover: { type: 1, images: [coverUrl] } });
    const submitted = await mp.inject({
      method: 'PUT',
      url: `/mp/v1_0/articles/${id}?draft=false`,
      payload: { ...loaded, status: 2 },
      headers: author,
    });
    expect(submitted.statusCode).toBe(201);
    const pending = await mp.inject({
      method: 'GET',
      url: '/mp/v1_0/articles?status=1',
      headers: author,
    });
    expect(
      pending.json<{ data: { results: Array<{ id: string; status: number }> } }>().data.results,
    ).toEqual([expect.objectContaining({ id, status: 1 })]);
    expect(
      (await stack.gateway.inject({ method: 'GET', url: `/app/v1_0/articles/${id}` })).statusCode,
    ).toBe(404);

    // 5. Review (what the MIS will call).
    expect(
      await unary(
        authoring.reviewArticle({ articleId: id, status: 2, reviewerId: 1, rejectReason: '' }),
      ),
    ).toEqual({ articleId: id, status: 2 });

    // 6. Readers see it: detail, the author's list and the feed (recommend is down: latest articles).
    const reader: Headers = { authorization: `Bearer ${await stack.signIn(READER)}` };
    const detail = await stack.gateway.inject({
      method: 'GET',
      url: `/app/v1_0/articles/${id}`,
      headers: reader,
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.json<{ data: Record<string, unknown> }>().data).toMatchObject({
      art_id: id,
      title: 'My first flow article',
      aut_id: AUTHOR.id,
      content: '<p>Body of the flow article</p>',
    });
    const byAuthor = await stack.gateway.inject({
      method: 'GET',
      url: `/app/v1_0/users/${AUTHOR.id}/articles`,
    });
    expect(byAuthor.statusCode).toBe(200);
    expect(
      byAuthor.json<{ data: { results: Array<{ art_id: string; cover: unknown }> } }>().data
        .results,
    ).toEqual([expect.objectContaining({ art_id: id, cover: { type: 1, images: [coverUrl] } })]);
    const feed = await stack.gateway.inject({
      method: 'GET',
      url: `/app/v1_1/articles?channel_id=1&timestamp=${Date.now()}&with_top=0`,
    });
    expect(feed.statusCode).toBe(200);
    expect(
      feed
        .json<{ data: { results: Array<{ art_id: string }> } }>()
        .data.results.map((card) => card.art_id),
    ).toContain(id);

    // 7. A reader comments; the author closes comments; the next comment is refused.
    const comment = (content: string) =>
      stack.gateway.inject({
        method: 'POST',
        url: '/app/v1_0/comments',
        payload: { target: id, content, art_id: null },
        headers: reader,
      });
    expect((await comment('first!')).statusCode).toBe(201);
    const closed = await mp.inject({
      method: 'PUT',
      url: `/mp/v1_0/comments/status?article_id=${id}`,
      payload: { allow_comment: false },
      headers: author,
    });
    expect(closed.statusCode).toBe(201);
    expect(closed.json()).toEqual({
      message: 'OK',
      data: { article_id: id, allow_comment: false },
    });
    const refused = await comment('second');
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({ message: 'Article denied comment.' });
    expect(
      await stack.sql('SELECT COUNT(*) AS n FROM news_comment WHERE article_id = ?', [id]),
    ).toEqual([{ n: '1' }]);

    // 8. The author's statistics see the comment.
    const list = await mp.inject({
      method: 'GET',
      url: '/mp/v1_0/articles?response_type=comment',
      headers: author,
    });
    expect(list.json<{ data: { results: unknown[] } }>().data.results).toEqual([
      {
        id,
        title: 'My first flow article',
        comment_status: false,
        total_comment_count: 1,
        fans_comment_count: 0,
      },
    ]);
  });

  it('lets the publish admin call it from its own origin, as the reference (CORS) did', async () => {
    const origin = 'http://localhost:8080';
    // The browser asks first for a write with the token header and a JSON body, and for the upload.
    for (const [method, url, headers] of [
      ['PUT', '/mp/v1_0/articles/1300000000000000001?draft=false', 'authorization,content-type'],
      ['POST', '/mp/v1_0/user/images', 'authorization'],
      ['DELETE', '/mp/v1_0/user/images/1', 'authorization'],
    ]) {
      const preflight = await mp.inject({
        method: 'OPTIONS',
        url,
        headers: {
          origin,
          'access-control-request-method': method,
          'access-control-request-headers': headers,
        },
      });
      expect({ url, status: preflight.statusCode }).toEqual({ url, status: 204 });
      expect(preflight.headers['access-control-allow-origin']).toBe('*');
      expect(String(preflight.headers['access-control-allow-methods'])).toContain(method);
      expect(preflight.headers['access-control-allow-headers']).toBe(headers);
    }
    // Answers carry the header too, errors included: the client reads a 401's status to log out.
    const channels = await mp.inject({
      method: 'GET',
      url: '/mp/v1_0/channels',
      headers: { origin },
    });
    expect(channels.statusCode).toBe(200);
    expect(channels.headers['access-control-allow-origin']).toBe('*');
    const unauthorized = await mp.inject({
      method: 'GET',
      url: '/mp/v1_0/user/profile',
      headers: { origin },
    });
    expect(unauthorized.statusCode).toBe(401);
    expect(unauthorized.headers['access-control-allow-origin']).toBe('*');
  });
});
