// `npm run bench:sanitise [-- --rounds 5]`: how long news' event loop stands still while the save
// of an article of the media platform's body limit (1 MiB of the publish admin's editor HTML)
// sanitises it: on the loop, against ArticleHtmlSanitiser, which hands it to a worker thread. The
// figure is the longest a monitorEventLoopDelay timer waited meanwhile: how late a reader's request
// arriving then is answered. Then, for sizes about INLINE_MAX_LENGTH, how
// long a save spends sanitising on the loop against a worker's round trip. One process.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { ArticleHtmlPool } from '../apps/news/src/authoring/article-html.pool';
import { sanitizeArticleHtml } from '../apps/news/src/authoring/article-html.rules';
import {
  ArticleHtmlSanitiser,
  articleHtmlWorkerEntry,
  INLINE_MAX_LENGTH,
} from '../apps/news/src/authoring/article-html.sanitiser';
import { editorArticleHtml } from '../apps/news/src/authoring/article-html.stub';
import { interleavedMedians } from './interleaved';
import { median } from './report';

const BODY_LIMIT = 2 ** 20;
const { sent } = editorArticleHtml('http://img.test/Fh3k9');
/** As many editor articles as a JSON body of 1 MiB holds. */
const LONGEST = sent.repeat(Math.floor(BODY_LIMIT / (Buffer.byteLength(JSON.stringify(sent)) + 1)));
const SIZES_KIB = [8, 16, 32, 64, 128];

type Variant = 'loop' | 'worker';

/** The longest the event loop kept a 1 ms timer waiting while `work` ran, in ms. */
async function longestDelayMs(work: () => unknown): Promise<number> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  // The histogram's timer runs once before the work, so it measures the work's whole wait.
  await sleep(20);
  await work();
  await sleep(20);
  delay.disable();
  return delay.max / 1e6;
}

async function millis(work: () => unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
  const rounds = Number(values.rounds);
  // Limits no save measured here meets: the bench times the parse, however long it takes.
  const sanitiser = new ArticleHtmlSanitiser({
    ARTICLE_HTML_TIME_LIMIT_MS: 60_000,
    ARTICLE_HTML_WAIT_LIMIT_MS: 60_000,
  });
  const pool = new ArticleHtmlPool({ ...articleHtmlWorkerEntry(), size: 1, maxQueued: 1 });
  const SAVE: Record<Variant, () => unknown> = {
    loop: () => sanitizeArticleHtml(LONGEST),
    worker: () => sanitiser.sanitise(LONGEST),
  };
  try {
    // Starts the worker and lets V8 compile the parser on both threads before anything is measured.
    if ((await sanitiser.sanitise(LONGEST)) !== sanitizeArticleHtml(LONGEST))
      throw new Error('the worker answered other HTML');
    for (let warm = 0; warm < 2; warm++) for (const save of Object.values(SAVE)) await save();

    const delays = await interleavedMedians(
      rounds,
      ['loop', 'worker'] as const,
      (variant) => longestDelayMs(SAVE[variant]),
      (ms) => `event loop delayed ${ms.toFixed(1)} ms at most`,
    );
    // What the machine's other load alone delays the loop by, for as long as a save on the loop.
    const saves: number[] = [];
    for (let run = 0; run < 3; run++) saves.push(await millis(SAVE.loop));
    const saveMs = median(saves);
    const idle: number[] = [];
    for (let round = 0; round < rounds; round++)
      idle.push(await longestDelayMs(() => sleep(Math.round(saveMs))));
    console.log(
      `median of ${rounds} rounds, a save of ${LONGEST.length} characters (${Buffer.byteLength(LONGEST)} B): ` +
        `event loop delayed at most ${delays.loop.toFixed(1)} ms sanitising on the loop, ${delays.worker.toFixed(1)} ms in a worker, ` +
        `${median(idle).toFixed(1)} ms with no save for as long (${saveMs.toFixed(0)} ms)`,
    );

    for (const kib of SIZES_KIB) {
      const html = LONGEST.slice(0, kib * 1024);
      const times: Record<Variant, number[]> = { loop: [], worker: [] };
      for (let run = 0; run < 20; run++) {
        times.loop.push(await millis(() => sanitizeArticleHtml(html)));
        times.worker.push(await millis(() => pool.run(html)));
      }
      const route = html.length > INLINE_MAX_LENGTH ? 'worker' : 'loop';
      console.log(
        `${kib} KiB: on the loop ${median(times.loop).toFixed(2)} ms, worker round trip ${median(times.worker).toFixed(2)} ms (median of 20; saved via the ${route})`,
      );
    }
  } finally {
    await Promise.all([sanitiser.onModuleDestroy(), pool.close()]);
  }
}

void main();
