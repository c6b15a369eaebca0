import { grpcServerEnvSchema, metricsPort, refineBaseEnv } from '@app/config';
import { z } from 'zod';

export const userEnvSchema = grpcServerEnvSchema
  .extend({
    /** Prometheus `/metrics` of this service (its gRPC calls and the process); 0 serves none. */
    USER_METRICS_PORT: metricsPort(9101),
    /**
     * `reuse` (what the real mobile client needs): a refresh returns a new access token and the
     * session's refresh token stays valid. `strict`: every refresh rotates the refresh token and
     * reusing an old one revokes the session.
     */
    AUTH_REFRESH_POLICY: z.enum(['reuse', 'strict']).default('reuse'),
  })
  .superRefine(refineBaseEnv);

export type UserConfig = z.infer<typeof userEnvSchema>;
