// `npm run bench:page-body [-- --rounds 5 --pages 200000]`: CPU of a signed-in reader's article
// page body as the route writes it (`articlePageBody`: the article's cached UTF-8 head and the
// reader's part, one Buffer.concat) against the joined string it wrote before, which Fastify
// measured with `Buffer.byteLength` and the socket encoded for every request (`Buffer.from` here).
// Same article, interleaved, in one process.
import { parseArgs } from 'node:util';

import { formatPubdate } from '@app/config';
import type { articleV1 } from '@app/contracts';
import { ENVELOPE_HEAD, ENVELOPE_TAIL } from '@app/grpc';

import { articlePageBody, type PageFields } from '../apps/gateway/src/articles/article-page.json';
import { interleavedMedians } from './interleaved';

const TIME_ZONE = 'Asia/Shanghai';
const WARM_PAGES = 20_000;

/** An article of about 3 000 characters of Chinese text, as the seeded ones are. */
const ARTICLE: articleV1.ArticleDetail = {
  artId: '1294287382374383616',
  title: '标题：今日头条的一篇文章',
  pubdate: '2024-01-02T03:04:05.000Z',
  content: `<p>${'新闻内容，今日头条示例段落。'.repeat(20)}</p>`.repeat(10),
  autId: '1294287382374383617',
  chId: 3,
};

/** The reader's part, new for every request (as `pageFields` builds it). */
function readerFields(index: number): PageFields {
  return {
    aut_name: '作者',
    aut_photo: 'http://toutiao.example/avatar.png',
    is_followed: index % 2 === 0,
    attitude: index % 3 === 0 ? 1 : -1,
    is_collected: index % 5 === 0,
    recomments: [{ art_id: '1294287382374383618', title: '相关文章' }],
  };
}

const ownFieldsJson = JSON.stringify({
  art_id: ARTICLE.artId,
  title: ARTICLE.title,
  pubdate: formatPubdate(ARTICLE.pubdate, TIME_ZONE),
  content: ARTICLE.content,
  aut_id: ARTICLE.autId,
  ch_id: ARTICLE.chId,
}).slice(0, -1);

/** The page before: its string, measured and encoded once each, as Fastify and the socket did. */
function pageAsString(rest: PageFields): number {
  const page = `${ENVELOPE_HEAD}${ownFieldsJson},${JSON.stringify(rest).slice(1)}${ENVELOPE_TAIL}`;
  return Buffer.byteLength(page) + Buffer.from(page).length;
}

function pageAsBuffer(rest: PageFields): number {
  return articlePageBody(ARTICLE, TIME_ZONE, rest).length * 2;
}

type Variant = 'string' | 'buffer';
const WRITE: Record<Variant, (rest: PageFields) => number> = {
  string: pageAsString,
  buffer: pageAsBuffer,
};

function microsPerPage(variant: Variant, pages: number): number {
  const write = WRITE[variant];
  let bytes = 0;
  const before = process.cpuUsage();
  for (let index = 0; index < pages; index++) bytes += write(readerFields(index));
  const used = process.cpuUsage(before);
  if (bytes === 0) throw new Error('no page written');
  return (used.user + used.system) / pages;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      pages: { type: 'string', default: '200000' },
    },
  });
  const rounds = Number(values.rounds);
  const pages = Number(values.pages);
  const sample = readerFields(0);
  const bytes = articlePageBody(ARTICLE, TIME_ZONE, sample);
  if (pageAsString(sample) !== bytes.length * 2) throw new Error('the two pages differ in length');
  for (const variant of ['string', 'buffer'] as const) microsPerPage(variant, WARM_PAGES);

  const { string, buffer } = await interleavedMedians(
    rounds,
    ['string', 'buffer'] as const,
    (variant) => microsPerPage(variant, pages),
    (micros) => `${micros.toFixed(2)} µs of CPU per page`,
  );
  console.log(
    `median of ${rounds} rounds × ${pages} pages of ${bytes.length} B: string ${string.toFixed(2)} µs, Buffer ${buffer.toFixed(2)} µs, Buffer ÷ string ${(buffer / string).toFixed(2)}`,
  );
}

void main();
