import { parentPort, threadId } from 'node:worker_threads';

import { sanitizeArticleHtml } from './article-html.rules';

/** The reply to one article's HTML, posted in the order the HTML came. */
export interface SanitisedReply {
  html: string;
  threadId: number;
}

parentPort?.on('message', (html: string) => {
  const reply: SanitisedReply = { html: sanitizeArticleHtml(html), threadId };
  parentPort?.postMessage(reply);
});
