import { describeMigrationReruns } from '@app/testing/migration-reruns';

import { MIS_SCHEMA } from '../mis-schema';

describe('mis migrations run again after a partial run (real MariaDB)', () => {
  describeMigrationReruns(MIS_SCHEMA);
});
