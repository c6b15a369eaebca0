import { httpAppEnvSchema, refineBaseEnv } from '@app/config';
import type { z } from 'zod';

export const mediaPlatformEnvSchema = httpAppEnvSchema.superRefine(refineBaseEnv);

export type MediaPlatformConfig = z.infer<typeof mediaPlatformEnvSchema>;
