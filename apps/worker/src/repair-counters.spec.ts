import { loadConfig } from '@app/config';

import { workerEnvSchema } from './config/worker.config';
import { counterRepairWaitMs } from './repair-counters';

describe('npm run counters:repair -- --wait', () => {
  const waitMs = (deadlineMs?: number, argv = ['node', 'repair-counters.js', '--wait']) =>
    counterRepairWaitMs(
      argv,
      loadConfig(
        workerEnvSchema,
        deadlineMs === undefined ? {} : { COUNTER_REPAIR_DEADLINE_MS: String(deadlineMs) },
      ),
    );

  it('waits for as long as a repair may take (COUNTER_REPAIR_DEADLINE_MS) and a margin, where it gave up after 15 minutes', () => {
    // The longest deadline allowed: an hour.
    expect(waitMs(3_600_000)).toBe(65 * 60_000);
    expect(waitMs(60_000)).toBe(6 * 60_000);
  });

  it('waits 15 minutes at the default deadline (10 minutes), as before', () => {
    expect(waitMs()).toBe(15 * 60_000);
  });

  it('does not wait without --wait', () => {
    expect(waitMs(3_600_000, ['node', 'repair-counters.js'])).toBeUndefined();
  });
});
