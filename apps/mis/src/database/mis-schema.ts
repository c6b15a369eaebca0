import type { ServiceSchema } from '@app/database';

import { CreateMisTables1764000000000 } from './migrations/1764000000000-create-mis-tables';

export const MIS_SCHEMA: ServiceSchema = {
  service: 'mis',
  entities: [],
  migrations: [CreateMisTables1764000000000],
};
