import { baseEnvSchema, refineBaseEnv } from '@app/config';
import type { z } from 'zod';

export const misEnvSchema = baseEnvSchema.superRefine(refineBaseEnv);

export type MisConfig = z.infer<typeof misEnvSchema>;
