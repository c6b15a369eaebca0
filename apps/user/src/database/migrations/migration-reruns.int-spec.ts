import { describeMigrationReruns } from '@app/testing/migration-reruns';

import { USER_SCHEMA } from '../user-schema';

describe('user migrations run again after a partial run (real MariaDB)', () => {
  describeMigrationReruns(USER_SCHEMA);
});
