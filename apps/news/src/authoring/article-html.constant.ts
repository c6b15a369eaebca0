/**
 * News' HTML workers (`ArticleHtmlSanitiser`) and each one's old-generation cap, in MiB, which
 * test/deploy counts in news' memory limit. 1 MiB of the editor's HTML needs under 32 MiB of heap,
 * with dropped tags too; 1 MiB of tags nested past any editor's (`<p>a<select><p>b` over and over) needs
 * more, and is refused. V8's heap flags are the process's and win over a worker's cap: under news'
 * (scripts/node-flags.js) a worker may grow as far as news' own heap, so the limit counts that,
 * and the time limit is what bounds a parse there.
 */
export const ARTICLE_HTML_WORKERS = 1;
export const ARTICLE_HTML_WORKER_HEAP_MIB = 64;
