import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { StateKeys } from '@app/cache';
import type Redis from 'ioredis';

/** The channels whose pins the demo data writes or leaves alone, compared by the demo data specs. */
const PINNED_CHANNELS = [0, 1, 17];

/** The demo data's pins (with their scores) and every stored file, named with its SHA-256. */
export async function pinsAndStoredFiles(
  state: Redis,
  uploads: string,
): Promise<Record<string, unknown>> {
  const found: Record<string, unknown> = {};
  for (const channel of PINNED_CHANNELS)
    found[`pins ${channel}`] = await state.zrange(
      StateKeys.channelTopArticles(channel),
      0,
      -1,
      'WITHSCORES',
    );
  found.files = readdirSync(uploads)
    .sort()
    .map((file) => [
      file,
      createHash('sha256')
        .update(readFileSync(join(uploads, file)))
        .digest('hex'),
    ]);
  return found;
}
