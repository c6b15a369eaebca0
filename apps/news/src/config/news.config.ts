import { grpcServerEnvSchema, metricsPort, refineBaseEnv } from '@app/config';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { z } from 'zod';

export const newsEnvSchema = grpcServerEnvSchema
  .extend({
    /** Prometheus `/metrics` of this service (its gRPC calls and the process); 0 serves none. */
    NEWS_METRICS_PORT: metricsPort(9102),
    /** Search engine: `mysql` (jieba tokens in a FULLTEXT column, the default) or `es` (Elasticsearch 9). */
    SEARCH_DRIVER: z.enum(['mysql', 'es']).default('mysql'),
    /** Elasticsearch node of the `es` search driver. */
    ELASTICSEARCH_URL: z.url().optional(),
    /** How often each replica relays what the job outbox still holds (a queue that was down, say). */
    OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(1000),
    /**
     * How long news' HTML worker may take over one article longer than 32 KiB: past it the worker
     * is stopped and the save refused, `{"content":"Invalid content param."}` (1 MiB of an
     * editor's HTML takes about 0.2 s a pass; 1 MiB of `<p>a<select><p>b` over and over, 9–11 s).
     */
    ARTICLE_HTML_TIME_LIMIT_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
    /**
     * How long such an article may wait for the worker (a new worker's start included): past it
     * the save answers 503, unparsed. With the time limit it stays under GRPC_DEADLINE_MS, so a
     * save either is stored before its caller's deadline, or is refused and stores nothing.
     */
    ARTICLE_HTML_WAIT_LIMIT_MS: z.coerce.number().int().min(10).max(60_000).default(500),
    /**
     * Comments and replies an account may post at once, and then per minute (one every
     * 60 s / this), from the app and the media platform together; past it 429 `Too many requests.`
     */
    COMMENT_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(60_000).default(10),
    /** Comments and replies an account may post per calendar day in `TZ`. */
    COMMENT_LIMIT_PER_DAY: z.coerce.number().int().min(1).max(1_000_000).default(300),
    /**
     * Authors whose submitted articles are approved at once, as the reference approved its user
     * 1's (comma-separated user ids; none by default, so every article waits for review).
     */
    AUTO_APPROVE_AUTHORS: z
      .string()
      .default('')
      .transform((ids) =>
        ids
          .split(',')
          .map((id) => id.trim())
          .filter((id) => id !== ''),
      )
      .pipe(z.array(z.string().regex(SNOWFLAKE_ID, 'user ids, comma-separated'))),
  })
  .superRefine((env, ctx) => {
    refineBaseEnv(env, ctx);
    if (env.ARTICLE_HTML_TIME_LIMIT_MS + env.ARTICLE_HTML_WAIT_LIMIT_MS >= env.GRPC_DEADLINE_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['ARTICLE_HTML_TIME_LIMIT_MS'],
        message:
          'ARTICLE_HTML_TIME_LIMIT_MS and ARTICLE_HTML_WAIT_LIMIT_MS together must stay under GRPC_DEADLINE_MS',
      });
    }
    if (env.SEARCH_DRIVER === 'es' && env.ELASTICSEARCH_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ELASTICSEARCH_URL'],
        message: 'ELASTICSEARCH_URL is required when SEARCH_DRIVER=es',
      });
    }
  });

export type NewsConfig = z.infer<typeof newsEnvSchema>;
