import { baseEnvSchema, refineBaseEnv } from '@app/config';
import type { z } from 'zod';

export const gatewayEnvSchema = baseEnvSchema.superRefine(refineBaseEnv);

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;
