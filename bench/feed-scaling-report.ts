// `npm run bench:feed-scaling`: the feed-scaling comparison of the newest quick and full runs in bench/results.
import { join } from 'node:path';

import {
  compareFeedScaling,
  feedScalingMarkdown,
  measuredFeedRows,
  newestFeedRun,
} from './feed-scaling';
import { ROOT } from './processes';

const dir = join(ROOT, 'bench', 'results');
const quick = newestFeedRun(dir, 'quick');
const full = quick && newestFeedRun(dir, 'full', measuredFeedRows(quick));
const scaling = quick && full && compareFeedScaling(quick, full);
if (!scaling) {
  console.error(
    'bench/results needs a quick and a full run that both measured a feed row (E1, E1s, E2)',
  );
  process.exit(1);
}
console.log(feedScalingMarkdown(scaling));
