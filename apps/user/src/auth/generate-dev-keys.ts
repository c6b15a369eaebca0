import { ensureDevelopmentKeys } from '@app/auth';
import { loadConfig, runMain } from '@app/config';

import { userEnvSchema } from '../config/user.config';

/** Creates the development RS256 key pair once; production mounts its keys as a secret. */
runMain(async () => {
  const config = loadConfig(userEnvSchema);
  if (config.NODE_ENV === 'production') throw new Error('refusing to generate keys in production');
  ensureDevelopmentKeys(config.JWT_KEYS_DIR, config.JWT_SIGNING_KID);
  await Promise.resolve();
});
