import { loadConfig, runMain } from '@app/config';
import { migrateCommand } from '@app/database';

import { misEnvSchema } from './config/mis.config';
import { MIS_SCHEMA } from './database/mis-schema';

/** Applies the back office's pending migrations, or with `--wait` waits for them (see `migrateCommand`). */
runMain(async () => migrateCommand(loadConfig(misEnvSchema), MIS_SCHEMA));
