import { type ArticleStack, startArticleStack } from './support/article-stack';

interface AnnouncementItem {
  id: number;
  title: string;
  pubdate: string;
}

const INVALID = { message: 'Invalid announcement.' };
const PER_PAGE_ERROR = { message: { per_page: 'per_page must be within the range 10 - 50' } };

describe('announcements through the gateway', () => {
  let stack: ArticleStack;

  const get = (url: string) => stack.gateway.inject({ method: 'GET', url: `/app/v1_0${url}` });
  const ok = async <T>(url: string): Promise<T> => {
    const response = await get(url);
    expect(response.statusCode).toBe(200);
    return response.json<{ message: string; data: T }>().data;
  };
  const cacheKey = (key: string) => `${stack.redis.prefix}${key}`;

  beforeAll(async () => {
    stack = await startArticleStack({ TZ: 'Asia/Shanghai' });
    await stack.sql(
      `INSERT INTO global_announcement (announcement_id, title, content, status, publish_time, create_time) VALUES
       (1, '欢迎使用', '<p>欢迎！</p>', 1, '2026-01-05 02:30:00', '2026-01-04 00:00:00'),
       (2, '待发布', '<p>pending</p>', 0, NULL, '2026-01-06 00:00:00'),
       (3, '已撤回', '<p>withdrawn</p>', 2, '2026-01-07 00:00:00', '2026-01-07 00:00:00')`,
    );
    for (let id = 4; id <= 15; id += 1) {
      await stack.sql(
        `INSERT INTO global_announcement (announcement_id, title, content, status, publish_time) VALUES (?, ?, ?, 1, ?)`,
        [
          id,
          `公告 ${id}`,
          `<p>第 ${id} 条</p>`,
          `2026-01-${String(id + 5).padStart(2, '0')} 00:00:00`,
        ],
      );
    }
    // Published without a publish time: its creation time is its pubdate.
    await stack.sql(
      `INSERT INTO global_announcement (announcement_id, title, content, status, publish_time, create_time)
       VALUES (16, '无发布时间', '<p>x</p>', 1, NULL, '2026-02-01 16:00:00')`,
    );
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  describe('GET /announcements', () => {
    it('pages the published announcements, newest first, as {id,title,pubdate} in the display time zone', async () => {
      const first = await ok<{
        total_count: number;
        page: number;
        per_page: number;
        results: AnnouncementItem[];
      }>('/announcements');
      expect(first).toMatchObject({ total_count: 14, page: 1, per_page: 10 });
      expect(first.results.map((item) => item.id)).toEqual([16, 15, 14, 13, 12, 11, 10, 9, 8, 7]);
      expect(first.results[0]).toEqual({
        id: 16,
        title: '无发布时间',
        pubdate: '2026-02-02T00:00:00',
      });
      expect(first.results[1]).toEqual({
        id: 15,
        title: '公告 15',
        pubdate: '2026-01-20T08:00:00',
      });

      const second = await ok<{ results: AnnouncementItem[] }>('/announcements?page=2&per_page=10');
      expect(second.results).toEqual([
        { id: 6, title: '公告 6', pubdate: '2026-01-11T08:00:00' },
        { id: 5, title: '公告 5', pubdate: '2026-01-10T08:00:00' },
        { id: 4, title: '公告 4', pubdate: '2026-01-09T08:00:00' },
        { id: 1, title: '欢迎使用', pubdate: '2026-01-05T10:30:00' },
      ]);
      expect((await ok<{ results: AnnouncementItem[] }>('/announcements?page=9')).results).toEqual(
        [],
      );
    });

    it('keeps the published list in the `announcement` cache key for 48 h', async () => {
      await ok('/announcements');
      const cached = JSON.parse(
        (await stack.redis.client('cache').get(cacheKey('announcement'))) ?? 'null',
      ) as AnnouncementItem[];
      expect(cached.map((item) => item.id)).toEqual([
        16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 1,
      ]);
      const ttl = await stack.redis.client('cache').ttl(cacheKey('announcement'));
      expect(ttl).toBeGreaterThan(47 * 3600);
      expect(ttl).toBeLessThanOrEqual(48 * 3600);
    });

    it.each([
      ['per_page under 10', '?per_page=9', PER_PAGE_ERROR],
      ['per_page over 50', '?per_page=51', PER_PAGE_ERROR],
      ['page 0', '?page=0', { message: { page: 'page must be a positive integer' } }],
      // Pages travel as int32: one beyond it wrapped to a negative page (400 "Invalid request.").
      [
        'a page beyond int32',
        '?page=2147483648',
        { message: { page: 'page must be a positive integer' } },
      ],
      [
        'a page of 21 digits',
        `?page=${'9'.repeat(21)}`,
        { message: { page: 'page must be a positive integer' } },
      ],
    ])('answers 400 for %s', async (_case, query, body) => {
      const response = await get(`/announcements${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(body);
    });
  });

  describe('GET /announcements/{id}', () => {
    it('answers {id,title,content,pubdate} of a published announcement and caches it', async () => {
      expect(await ok('/announcements/1')).toEqual({
        id: 1,
        title: '欢迎使用',
        content: '<p>欢迎！</p>',
        pubdate: '2026-01-05T10:30:00',
      });
      const ttl = await stack.redis.client('cache').ttl(cacheKey('announcement:1'));
      expect(ttl).toBeGreaterThan(7100);
      expect(ttl).toBeLessThanOrEqual(7800);
    });

    it('serves the cached copy until the key is invalidated', async () => {
      await ok('/announcements/4');
      await stack.sql(
        "UPDATE global_announcement SET title = '公告四（改）' WHERE announcement_id = 4",
      );
      expect((await ok<AnnouncementItem>('/announcements/4')).title).toBe('公告 4');

      await stack.cache.del('announcement:4');
      await stack.cache.publish(
        `${stack.redis.prefix}cache:invalidate`,
        JSON.stringify(['announcement:4']),
      );
      const deadline = Date.now() + 3000;
      let title = '';
      while (Date.now() < deadline) {
        title = (await ok<AnnouncementItem>('/announcements/4')).title;
        if (title !== '公告 4') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(title).toBe('公告四（改）');
    });

    it.each([
      ['pending', '2'],
      ['withdrawn', '3'],
      ['unknown', '999'],
      ['zero', '0'],
      ['non-numeric', 'abc'],
      ['too large', '99999999999'],
    ])('answers 400 "Invalid announcement." for a %s id', async (_case, id) => {
      const response = await get(`/announcements/${id}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(INVALID);
    });

    it('caches an unknown id as a short-lived null marker', async () => {
      await get('/announcements/998');
      expect(await stack.redis.client('cache').get(cacheKey('announcement:998'))).toBe('-1');
      const ttl = await stack.redis.client('cache').ttl(cacheKey('announcement:998'));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(360);
    });
  });
});
