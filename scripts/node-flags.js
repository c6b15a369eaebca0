'use strict';
/**
 * V8 flags the services run with, in development (`npm run dev`), the benchmarks and the image
 * (`node scripts/node-flags.js <app>` prints an app's flags for the image's command).
 *
 * Request handling allocates a lot of short-lived objects: a 64 MiB young-generation semi-space
 * (V8's default is 16 MiB) means fewer scavenges and less promotion, which measured 15-25 % less
 * CPU per request on the feed and article routes.
 */
const SERVICE_NODE_FLAGS = ['--max-semi-space-size=64'];

/**
 * Each app's old-generation cap, in MiB. Without one V8 sizes the heap from the machine's memory
 * (or a container's whole limit) and collects lazily: in the benchmarks the gateway's RSS reached
 * 503-609 MiB for a live heap of about 100. Under 1 GiB V8 also grows the heap less between full
 * collections, which the gateway pays for: its framework baseline cost 40-54 µs per request with
 * 384 against 35-44 without a cap and 38-43 with 1024 (bench/README, "Memory"). im holds a socket
 * for every online reader, 12.7 KiB of heap each (`npm run bench:im`): with 1024 it holds about
 * 80 000, where 160 ran out of memory before 7 500. A Deployment's memory limit covers its app's
 * heap limit and what lives outside the heap (test/deploy).
 */
const OLD_SPACE_MIB = {
  gateway: 1024,
  user: 160,
  news: 384,
  recommend: 384,
  'media-platform': 160,
  mis: 160,
  im: 1024,
  worker: 384,
};

/** One app's old-generation cap, in MiB. */
function oldSpaceCapMiB(app) {
  const cap = OLD_SPACE_MIB[app];
  if (cap === undefined) throw new Error(`no old-generation cap for app "${app}"`);
  return cap;
}

/** The flags of one app: the shared ones and its old-generation cap. */
function appNodeFlags(app) {
  return [...SERVICE_NODE_FLAGS, `--max-old-space-size=${oldSpaceCapMiB(app)}`];
}

module.exports = { appNodeFlags, oldSpaceCapMiB };

if (require.main === module) {
  try {
    console.log(appNodeFlags(process.argv[2]).join(' '));
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
