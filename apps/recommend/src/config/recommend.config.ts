import { baseEnvSchema, refineBaseEnv } from '@app/config';
import type { z } from 'zod';

export const recommendEnvSchema = baseEnvSchema.superRefine(refineBaseEnv);

export type RecommendConfig = z.infer<typeof recommendEnvSchema>;
