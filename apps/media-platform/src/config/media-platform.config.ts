import { baseEnvSchema, refineBaseEnv } from '@app/config';
import type { z } from 'zod';

export const mediaPlatformEnvSchema = baseEnvSchema.superRefine(refineBaseEnv);

export type MediaPlatformConfig = z.infer<typeof mediaPlatformEnvSchema>;
