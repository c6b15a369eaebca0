import { describeMigrationReruns } from '@app/testing/migration-reruns';

import { NEWS_SCHEMA } from '../news-schema';

describe('news migrations run again after a partial run (real MariaDB)', () => {
  describeMigrationReruns(NEWS_SCHEMA);
});
