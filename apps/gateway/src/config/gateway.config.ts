import { httpAppEnvSchema, refineBaseEnv } from '@app/config';
import { z } from 'zod';

export const gatewayEnvSchema = httpAppEnvSchema
  .extend({
    /** JSON-lines file of reading traces (the reference's `userClick.log`); its folder is created. */
    TRACE_LOG_FILE: z.string().min(1).default('.data/trace/userClick.log'),
    /** Feed batches drawn from the recommend service per call; the gateway deals them out one per request. */
    FEED_PREFETCH_BATCHES: z.coerce.number().int().min(1).max(10).default(5),
    /** The most a fallback feed page (latest articles) waits on news in all, however many calls it takes. */
    FEED_FALLBACK_BUDGET_MS: z.coerce.number().int().min(50).max(10_000).default(1000),
    /** Read and exposure counters gather in process this long before one write to the state Redis. */
    COUNTER_FLUSH_MS: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .superRefine(refineBaseEnv);

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;
