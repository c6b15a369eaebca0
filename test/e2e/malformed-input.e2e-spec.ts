import { ModulesContainer } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { type ArticleStack, seedUsers, startArticleStack } from './support/article-stack';

const READER = '1294287382374383617';

/** Path parameters a client may send instead of an id. */
const PARAMS = ['x', '-1', '0', '99999999999999999999999', READER, "'", 'a'.repeat(300)];
/** Query strings of wrong types, out-of-range numbers and oversized text. */
const QUERIES = [
  '',
  '?page=-1&per_page=abc',
  '?channel_id=abc&timestamp=-5&with_top=7',
  '?q=&page=0',
  '?type=z&source=abc&offset=x&limit=-1',
  '?channel_id=99999999999&timestamp=99999999999999999999',
  '?page=1&per_page=1000000',
  `?q=${'x'.repeat(2000)}`,
];
/** JSON bodies of wrong shapes and types (sent to every route that takes one). */
const BODIES = [
  '{}',
  'not json',
  '[]',
  'null',
  '{"target":"abc","art_id":-1,"content":"","mobile":"1","code":"x","channels":"x","duration":-1,"type":99}',
  `{"target":12,"art_id":"x","channels":[{"id":"a","seq":-1}],"name":"${'n'.repeat(500)}","birthday":"2020-13-45","gender":7}`,
  '{"target":{"$gt":1},"content":[1,2],"channels":[{"seq":1}],"duration":1e309,"art_id":"1294287382374383617"}',
];

/** The tables a client's request can write. */
const WRITTEN_TABLES = [
  'news_attitude',
  'news_collection',
  'news_comment',
  'news_comment_liking',
  'news_report',
  'news_user_channel',
  'news_user_channel_lock',
  'news_search_keyword',
  'user_relation',
  'user_profile',
  'user_basic',
  'user_material',
  'news_article_basic',
  'news_article_content',
];

interface Route {
  method: string;
  path: string;
}

/** Every route of the app's controllers, as Nest registered them under `prefix`. */
function controllerRoutes(modules: ModulesContainer, prefix: string): Route[] {
  const routes: Route[] = [];
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new () => object) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (method === undefined || path === undefined) continue;
        const url = ['', prefix, base, path].join('/').replace(/\/+/g, '/').replace(/\/$/, '');
        routes.push({ method: RequestMethod[method], path: url });
      }
    }
  }
  return routes;
}

describe('malformed input (e2e: every route of the gateway and the media platform)', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [{ id: READER, name: 'reader' }]);
    // An author too, so the media platform's routes get past their role check to their input.
    await stack.sql('UPDATE user_basic SET is_media = 1, is_verified = 1 WHERE user_id = ?', [
      READER,
    ]);
    mp = await stack.startMediaPlatform();
  });

  afterAll(async () => {
    await stack?.close();
  });

  /** Each table's rows as one checksum, so an update shows as well as an insert. */
  const tableSums = async () => {
    const sums: Record<string, unknown> = {};
    for (const table of WRITTEN_TABLES) {
      const [row] = (await stack.sql(`CHECKSUM TABLE ${table}`)) as Array<{ Checksum: unknown }>;
      sums[table] = row.Checksum;
    }
    return sums;
  };

  /** Sends every route of `app` the malformed requests; answers the count and what failed. */
  const sendMalformed = async (app: NestFastifyApplication, prefix: string) => {
    const routes = controllerRoutes(app.get(ModulesContainer), prefix);
    // The media platform takes the tokens of its own sign-in (scope `mp`, a verified author).
    const signedIn =
      prefix === 'mp'
        ? await stack.signIn(READER, { scope: 'mp', verified: true })
        : await stack.signIn(READER);
    const authorizations = [
      undefined,
      `Bearer ${signedIn}`,
      'Bearer not.a.token',
      'Anony device-1',
    ];
    const failures: string[] = [];
    let requests = 0;
    for (const route of routes) {
      const urls = route.path.includes(':')
        ? PARAMS.map((param) => route.path.replace(/:\w+/g, encodeURIComponent(param)))
        : [route.path];
      const bodies = route.method === 'GET' ? [undefined] : [undefined, ...BODIES];
      for (const url of urls) {
        for (const query of route.method === 'GET' || route.method === 'DELETE' ? QUERIES : ['']) {
          for (const payload of bodies) {
            for (const authorization of authorizations) {
              const headers: Record<string, string> = {};
              if (authorization) headers.authorization = authorization;
              if (payload !== undefined) headers['content-type'] = 'application/json';
              const response = await app.inject({
                method: route.method as 'GET',
                url: url + query,
                headers,
                payload,
              });
              requests += 1;
              const status = response.statusCode;
              const hasMessage =
                status < 400 || (response.json<{ message?: unknown }>().message ?? '') !== '';
              if (status >= 500 || !hasMessage) {
                failures.push(
                  `${status} ${route.method} ${url}${query} ${authorization ?? '-'} ${payload ?? '-'}: ${response.body.slice(0, 120)}`,
                );
              }
            }
          }
        }
      }
    }
    return { routes: routes.length, requests, failures };
  };

  it('answers a path that is no valid URL or whose parameter runs past 100 characters 404 in the error envelope, as the reference had no route for it, with the CORS headers of every answer', async () => {
    for (const [app, url] of [
      [stack.gateway, '/app/v1_0/users/%ff'],
      [stack.gateway, `/app/v1_0/users/${'1'.repeat(101)}`],
      [stack.gateway, `/app/v1_0/sms/codes/${'a'.repeat(300)}`],
      [mp, '/mp/v1_0/articles/%ff'],
      [mp, `/mp/v1_0/user/images/${'9'.repeat(101)}`],
    ] as const) {
      // From a browser app on another origin, which reads the answer only with the CORS header.
      const reply = await app.inject({
        method: 'GET',
        url,
        headers: { origin: 'http://localhost:8080' },
      });
      expect([
        url,
        reply.statusCode,
        reply.headers['content-type'],
        reply.headers['access-control-allow-origin'],
        reply.json(),
      ]).toEqual([
        url,
        404,
        'application/json; charset=utf-8',
        '*',
        { message: `Cannot GET ${url}` },
      ]);
    }
  });

  it('reads query integers from decimal digits only: hex, exponents, fractions and empty values answer 400 keyed by the field', async () => {
    const appToken = await stack.signIn(READER);
    const mpToken = await stack.signIn(READER, { scope: 'mp', verified: true });
    // Each was read by Number(): as 16, 10, 10 and 0, and answered 200.
    const cases: Array<[NestFastifyApplication, string, string, string]> = [
      [stack.gateway, appToken, '/app/v1_0/user/followings?per_page=0x10', 'per_page'],
      [stack.gateway, appToken, '/app/v1_0/user/followings?page=1e1', 'page'],
      [stack.gateway, appToken, '/app/v1_0/search?q=a&per_page=10.0', 'per_page'],
      [stack.gateway, appToken, `/app/v1_0/comments?type=a&source=${READER}&limit=1e1`, 'limit'],
      [stack.gateway, appToken, '/app/v1_0/articles?channel_id=', 'channel_id'],
      [
        stack.gateway,
        appToken,
        '/app/v1_1/articles?channel_id=&timestamp=1&with_top=0',
        'channel_id',
      ],
      [
        stack.gateway,
        appToken,
        '/app/v1_1/articles?channel_id=0&timestamp=1e3&with_top=0',
        'timestamp',
      ],
      [mp, mpToken, '/mp/v1_0/user/images?page=0x1', 'page'],
      [mp, mpToken, '/mp/v1_0/followers?per_page=2e1', 'per_page'],
      [mp, mpToken, '/mp/v1_0/articles?per_page=1e1', 'per_page'],
      [mp, mpToken, `/mp/v1_0/comments?type=a&source=${READER}&limit=1e1`, 'limit'],
    ];
    for (const [app, token, url, field] of cases) {
      const response = await app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${token}` },
      });
      const message = response.json<{ message: unknown }>().message;
      expect([url, response.statusCode, Object.keys(message as object)]).toEqual([
        url,
        400,
        [field],
      ]);
    }
  });

  it.each([
    ['gateway', 'app'],
    ['media platform', 'mp'],
  ])(
    '%s: answers a body nested thousands of levels deep with a 4xx on every route, never a 5xx, and writes nothing',
    async (_name, prefix) => {
      const app = prefix === 'app' ? stack.gateway : mp;
      // A session of its own for each request: DELETE /authorizations ends the one it is sent with.
      const signIn = () =>
        prefix === 'mp'
          ? stack.signIn(READER, { scope: 'mp', verified: true })
          : stack.signIn(READER);
      // Nested inside a field no route declares: class-transformer walked it all the same.
      const deep = `{"target":"${READER}","extra":${'['.repeat(5000)}${']'.repeat(5000)}}`;
      const before = await tableSums();
      const failures: string[] = [];
      const routes = controllerRoutes(app.get(ModulesContainer), prefix);
      for (const route of routes.filter((candidate) => candidate.method !== 'GET')) {
        const response = await app.inject({
          method: route.method as 'POST',
          url: route.path.replace(/:\w+/g, READER),
          headers: {
            authorization: `Bearer ${await signIn()}`,
            'content-type': 'application/json',
          },
          payload: deep,
        });
        if (response.statusCode >= 500) {
          failures.push(`${response.statusCode} ${route.method} ${route.path}: ${response.body}`);
        }
      }
      expect(failures).toEqual([]);
      expect(await tableSums()).toEqual(before);
      const comment = await app.inject({
        method: 'POST',
        url: `/${prefix}/v1_0/comments`,
        headers: { authorization: `Bearer ${await signIn()}`, 'content-type': 'application/json' },
        payload: deep,
      });
      expect([comment.statusCode, comment.json()]).toEqual([
        400,
        { message: 'Request body is nested too deeply.' },
      ]);
    },
  );

  it.each([
    ['gateway', 'app', 40],
    ['media platform', 'mp', 20],
  ])(
    '%s: answers malformed ids, queries and bodies with a 4xx and a message, never a 5xx, and writes nothing',
    async (_name, prefix, leastRoutes) => {
      const before = await tableSums();
      const sent = await sendMalformed(prefix === 'app' ? stack.gateway : mp, prefix);
      // The app's whole surface, so a route added later is covered too.
      expect(sent.routes).toBeGreaterThan(leastRoutes);
      expect(sent.failures).toEqual([]);
      expect(await tableSums()).toEqual(before);
    },
    300_000,
  );

  it('refuses a lone surrogate (half an emoji) in comment text and article titles and content with 400 keyed by the field, where gRPC stored it as U+FFFD', async () => {
    const appToken = await stack.signIn(READER);
    const mpToken = await stack.signIn(READER, { scope: 'mp', verified: true });
    const half = 'ab\uD83D';
    const article = {
      title: 'A title',
      content: '<p>text</p>',
      cover: { type: 0, images: [] },
      channel_id: 1,
    };
    const cases: Array<[NestFastifyApplication, string, string, object, string]> = [
      [stack.gateway, appToken, '/app/v1_0/comments', { target: READER, content: half }, 'content'],
      [
        mp,
        mpToken,
        '/mp/v1_0/comments',
        { target: READER, art_id: READER, content: half },
        'content',
      ],
      [
        mp,
        mpToken,
        '/mp/v1_0/articles?draft=true',
        { ...article, title: `A ${half} title` },
        'title',
      ],
      [
        mp,
        mpToken,
        '/mp/v1_0/articles?draft=true',
        { ...article, content: `<p>${half}</p>` },
        'content',
      ],
    ];
    const before = await tableSums();
    for (const [app, token, url, body, field] of cases) {
      const response = await app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      expect([
        url,
        field,
        response.statusCode,
        Object.keys(response.json<{ message: object }>().message),
      ]).toEqual([url, field, 400, [field]]);
    }
    expect(await tableSums()).toEqual(before);
  });
});
