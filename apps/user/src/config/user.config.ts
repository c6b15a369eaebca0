import { baseEnvSchema, refineBaseEnv } from '@app/config';
import type { z } from 'zod';

export const userEnvSchema = baseEnvSchema.superRefine(refineBaseEnv);

export type UserConfig = z.infer<typeof userEnvSchema>;
