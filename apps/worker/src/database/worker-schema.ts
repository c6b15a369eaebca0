import type { ServiceSchema } from '@app/database';

/** The worker owns no tables yet; the pool exists for processors that will and for readiness. */
export const WORKER_SCHEMA: ServiceSchema = {
  service: 'worker',
  entities: [],
  migrations: [],
};
