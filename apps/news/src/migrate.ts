import { loadConfig, runMain } from '@app/config';
import { migrateCommand } from '@app/database';

import { newsEnvSchema } from './config/news.config';
import { NEWS_SCHEMA } from './database/news-schema';

/** Applies the news service's pending migrations, or with `--wait` waits for them (see `migrateCommand`). */
runMain(async () => migrateCommand(loadConfig(newsEnvSchema), NEWS_SCHEMA));
