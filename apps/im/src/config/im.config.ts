import { baseEnvSchema, grpcTarget, httpAppEnvSchema, refineBaseEnv } from '@app/config';
import { z } from 'zod';

export const imEnvSchema = baseEnvSchema
  .extend({
    /** Address of an external chatbot speaking the original `chatbot.proto`; unset means the built-in bot. */
    CHATBOT_GRPC_URL: grpcTarget.optional(),
    /** Socket.IO ping timeout; the original server used 300 s so idle phones stay connected. */
    IM_PING_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(300_000),
    /**
     * Engine.IO connections (a socket each at most) one caller address (an IPv6 one by its /64)
     * may hold at once on a replica; 0: no cap.
     * Empty is refused, not read as 0.
     */
    IM_MAX_CONNECTIONS_PER_IP: z
      .string()
      .regex(/^\d+$/, 'must be a whole number of sockets, 0 for no cap')
      .transform(Number)
      .default(200),
    /** As for the HTTP apps: the caller of an anonymous chat socket is the entry the Ingress appended. */
    TRUSTED_PROXY_HOPS: httpAppEnvSchema.shape.TRUSTED_PROXY_HOPS,
    /** As for the HTTP apps: how long the requests in progress hold the close before they are cut. */
    HTTP_SHUTDOWN_DRAIN_MS: httpAppEnvSchema.shape.HTTP_SHUTDOWN_DRAIN_MS,
  })
  .superRefine(refineBaseEnv);

export type ImConfig = z.infer<typeof imEnvSchema>;
