import { grpcServerEnvSchema, metricsPort, refineBaseEnv } from '@app/config';
import { z } from 'zod';

/** `recency:popularity:interest`, three non-negative numbers. */
const weights = z
  .string()
  .regex(
    /^\d+(\.\d+)?:\d+(\.\d+)?:\d+(\.\d+)?$/,
    'expected recency:popularity:interest, e.g. 1:0.25:0.5',
  )
  .transform((value) => {
    const [recency, popularity, interest] = value.split(':').map(Number);
    return { recency, popularity, interest };
  });

export const recommendEnvSchema = grpcServerEnvSchema
  .extend({
    /** Prometheus `/metrics` of this service (its gRPC calls and the process); 0 serves none. */
    RECOMMEND_METRICS_PORT: metricsPort(9103),
    /** Age at which an article's recency score halves. */
    RECO_HALF_LIFE_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 365)
      .default(24),
    /** Weights of the `Algo-1` combination (A/B buckets 0-d). */
    RECO_ALGO1_WEIGHTS: weights.default({ recency: 1, popularity: 0.25, interest: 0.5 }),
    /** Weights of the `Algo-2` combination (A/B buckets e-f): popularity first. */
    RECO_ALGO2_WEIGHTS: weights.default({ recency: 0.5, popularity: 0.5, interest: 0.5 }),
    /** Batches kept per user and channel for timestamp replays. */
    RECO_BATCH_HISTORY_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
    /** How long exposures and batch histories live after the user's last feed request. */
    RECO_HISTORY_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(7 * 24 * 3600),
    /**
     * How often one replica rebuilds the candidate sets from the news service. The worker's
     * candidates jobs keep them current between rebuilds; a rebuild trims the pools to
     * RECO_CANDIDATES_PER_CHANNEL, follows channel changes and makes up for a lost job.
     */
    RECO_REFRESH_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .default(15 * 60_000),
    /** How often each replica checks the candidate version and re-reads popularity into its snapshot. */
    RECO_SNAPSHOT_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
    /** Newest approved articles kept as candidates per channel. */
    RECO_CANDIDATES_PER_CHANNEL: z.coerce.number().int().min(10).max(20_000).default(2000),
    /**
     * Batches of 10 published per channel and A/B algorithm as the first run of every new
     * anonymous reader (the gateway deals them without calling this service); 0 publishes none.
     * At most 9: the reader's first refill draws the run's ids along (so they count as shown)
     * within one call's 100 articles, and 10 batches would leave no room for a new one.
     */
    RECO_COLD_START_BATCHES: z.coerce.number().int().min(0).max(9).default(5),
    /**
     * Newest unseen candidates that are scored per request, and in channel 0 as many again of each
     * of a signed-in reader's three most-read channels (bounds the work of one request). A request
     * for more articles (up to 100) scores as many as it asks for: a smaller window would start
     * the reader over on every request.
     */
    RECO_RANK_WINDOW: z.coerce.number().int().min(10).max(20_000).default(200),
  })
  .superRefine(refineBaseEnv);

export type RecommendConfig = z.infer<typeof recommendEnvSchema>;

/** The weights of one algorithm combination. */
export type RankWeights = RecommendConfig['RECO_ALGO1_WEIGHTS'];
