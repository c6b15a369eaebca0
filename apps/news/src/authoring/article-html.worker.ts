import { parentPort, threadId } from 'node:worker_threads';

import { sanitizeArticleHtml } from './article-html.rules';

/** The reply to one article's HTML, posted in the order the HTML came. */
export interface SanitisedReply {
  html: string;
  threadId: number;
}

/** Posted once the worker has loaded, before any reply: an article's time limit starts after it. */
export interface ReadyNotice {
  ready: true;
}

export type WorkerMessage = SanitisedReply | ReadyNotice;

parentPort?.on('message', (html: string) => {
  const reply: SanitisedReply = { html: sanitizeArticleHtml(html), threadId };
  parentPort?.postMessage(reply);
});
const ready: ReadyNotice = { ready: true };
parentPort?.postMessage(ready);
