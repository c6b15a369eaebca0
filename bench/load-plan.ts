/** What one load-generator run does; written to a file and read by load-worker.js in its own process. */
export type LoadPlan = HttpPlan | GrpcPlan;

export interface HttpPlan {
  kind: 'http';
  url: string;
  connections: number;
  duration: number;
  /** Stop after this many requests instead of the duration (cold-cache runs with a finite id list). */
  amount?: number;
  /**
   * Requests per second sent at evenly spaced instants whatever the answers take (an open loop, on
   * up to `connections` keep-alive sockets), instead of each connection asking again as soon as it
   * is answered: the latency of a load below saturation.
   */
  rate?: number;
  seed: number;
  /** Paths to request; `{ts}` becomes Date.now(). */
  paths: string[];
  /** `random` picks with the seeded PRNG; `sequential` uses each path once, in order, across connections. */
  order: 'random' | 'sequential';
  /** Header sets; each request picks one at random (e.g. one token per signed-in user). */
  headerSets: Array<Record<string, string>>;
  /**
   * `like-unlike`: POST likings, then DELETE likings/{id} of the same article with the same header set;
   * autocannon starts each such pair with a fresh context, so the pairs take the header sets in turn,
   * across all connections (not one user per connection).
   */
  mode?: 'like-unlike';
}

export interface GrpcPlan {
  kind: 'grpc';
  address: string;
  protoPath: string;
  connections: number;
  duration: number;
  seed: number;
  userIds: string[];
  channels: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}
