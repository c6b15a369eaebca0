import { baseEnvSchema, refineBaseEnv } from '@app/config';
import { ALL_QUEUE_NAMES, QueueName } from '@app/queue';
import { validateCronExpression } from 'cron';
import { z } from 'zod';

const queueList = z
  .string()
  .default(ALL_QUEUE_NAMES.join(','))
  .transform((value) => [
    ...new Set(
      value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(z.array(z.enum(QueueName)).min(1));

export const workerEnvSchema = baseEnvSchema
  .extend({
    /** Queues this worker runs (comma list); a dedicated SMS worker sets `sms`. */
    WORKER_QUEUES: queueList,
    SMS_DRIVER: z.enum(['log', 'aliyun']).default('log'),
    /** `log` driver: append delivered messages (with codes) to this file, a development inbox. */
    SMS_LOG_FILE: z.string().min(1).optional(),
    /** `log` driver: simulated provider latency. */
    SMS_LOG_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    ALIYUN_ACCESS_KEY_ID: z.string().min(1).optional(),
    /** Secret. */
    ALIYUN_ACCESS_KEY_SECRET: z.string().min(1).optional(),
    ALIYUN_SMS_ENDPOINT: z.string().min(1).default('dysmsapi.aliyuncs.com'),
    ALIYUN_SMS_SIGN_NAME: z.string().min(1).default('黑马头条'),
    ALIYUN_SMS_TEMPLATE_CODE: z.string().min(1).default('SMS_151231777'),
    /** When the counters are rebuilt from MySQL (cron, in TZ); the original job ran daily at 03:00. */
    COUNTER_REPAIR_CRON: z
      .string()
      .default('0 3 * * *')
      .refine(
        (expression) => validateCronExpression(expression).valid,
        'must be a cron expression',
      ),
    /**
     * How long each service may take to rebuild its counters (one call each). News' and user's
     * GRPC_MAX_CONNECTION_AGE_GRACE_MS must be at least this, or the call ends at their grace.
     */
    COUNTER_REPAIR_DEADLINE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(600_000),
    /** How often search index jobs that used up their attempts or stalled are given new ones. */
    SEARCH_REDRIVE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
    /**
     * How long a stop signal waits for the jobs in progress and the connections to close before
     * the process ends anyway; below Kubernetes' grace period, less the preStop pause.
     */
    WORKER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(10_000),
  })
  .superRefine((env, ctx) => {
    refineBaseEnv(env, ctx);
    if (env.SMS_DRIVER !== 'aliyun') return;
    for (const key of ['ALIYUN_ACCESS_KEY_ID', 'ALIYUN_ACCESS_KEY_SECRET'] as const) {
      if (env[key] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} is required when SMS_DRIVER=aliyun`,
        });
      }
    }
  });

export type WorkerConfig = z.infer<typeof workerEnvSchema>;
