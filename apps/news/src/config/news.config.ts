import { baseEnvSchema, refineBaseEnv } from '@app/config';
import type { z } from 'zod';

export const newsEnvSchema = baseEnvSchema.superRefine(refineBaseEnv);

export type NewsConfig = z.infer<typeof newsEnvSchema>;
