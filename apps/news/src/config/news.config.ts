import { baseEnvSchema, refineBaseEnv } from '@app/config';
import { z } from 'zod';

export const newsEnvSchema = baseEnvSchema
  .extend({
    /** Search engine: `mysql` (jieba tokens in a FULLTEXT column, the default) or `es` (Elasticsearch 9). */
    SEARCH_DRIVER: z.enum(['mysql', 'es']).default('mysql'),
    /** Elasticsearch node of the `es` search driver. */
    ELASTICSEARCH_URL: z.url().optional(),
    /** How often each replica relays what the job outbox still holds (a queue that was down, say). */
    OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(1000),
    /**
     * Authors whose submitted articles are approved at once, as the reference approved its user
     * 1's (comma-separated user ids; none by default, so every article waits for review).
     */
    AUTO_APPROVE_AUTHORS: z
      .string()
      .default('')
      .transform((ids) => ids.split(',').map((id) => id.trim()).filter((id) => id !== ''))
      .pipe(z.array(z.string().regex(/^\d{1,20}$/, 'user ids, comma-separated'))),
  })
  .superRefine((env, ctx) => {
    refineBaseEnv(env, ctx);
    if (env.SEARCH_DRIVER === 'es' && env.ELASTICSEARCH_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ELASTICSEARCH_URL'],
        message: 'ELASTICSEARCH_URL is required when SEARCH_DRIVER=es',
      });
    }
  });

export type NewsConfig = z.infer<typeof newsEnvSchema>;
