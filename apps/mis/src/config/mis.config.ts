import { httpAppEnvSchema, refineBaseEnv } from '@app/config';
import type { z } from 'zod';

export const misEnvSchema = httpAppEnvSchema.superRefine(refineBaseEnv);

export type MisConfig = z.infer<typeof misEnvSchema>;
