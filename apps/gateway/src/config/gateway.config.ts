import { baseEnvSchema, refineBaseEnv } from '@app/config';
import { z } from 'zod';

export const gatewayEnvSchema = baseEnvSchema
  .extend({
    /** JSON-lines file of reading traces (the reference's `userClick.log`); its folder is created. */
    TRACE_LOG_FILE: z.string().min(1).default('.data/trace/userClick.log'),
  })
  .superRefine(refineBaseEnv);

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;
