import { loadConfig, runMain } from '@app/config';
import { migrateCommand } from '@app/database';

import { userEnvSchema } from './config/user.config';
import { USER_SCHEMA } from './database/user-schema';

/** Applies the user service's pending migrations, or with `--wait` waits for them (see `migrateCommand`). */
runMain(async () => migrateCommand(loadConfig(userEnvSchema), USER_SCHEMA));
