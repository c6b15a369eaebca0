'use strict';
/**
 * V8 flags every service runs with (development, benchmarks, and `NODE_FLAGS` in the image, which
 * its command passes to node: NODE_OPTIONS does not take `--single-threaded-gc`).
 * - Request handling allocates a lot of short-lived objects: a 64 MiB young-generation semi-space
 *   (V8's default is 16 MiB) means fewer scavenges and less promotion, which measured 15-25 % less
 *   CPU per request on the feed and article routes.
 * - Each service gets at most one core (the manifests' CPU limits; the benchmark pins all servers to
 *   one). V8's parallel and concurrent collector threads then only compete with the main thread for
 *   it: collecting on the main thread alone measured 5-17 % less gateway CPU per feed request.
 */
const SERVICE_NODE_FLAGS = ['--max-semi-space-size=64', '--single-threaded-gc'];

module.exports = { SERVICE_NODE_FLAGS };
