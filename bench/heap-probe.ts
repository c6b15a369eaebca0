// Preloaded (`-r`) into a server whose memory a benchmark reads, with `--expose-gc`. On SIGWINCH
// (not SIGUSR2: Nest's shutdown hooks stop an app on that one) it collects garbage and prints one
// line, HEAP_REPORT_MARK and the process' memory as JSON: what stays alive, not what the
// collector has yet to reach.
export const HEAP_REPORT_MARK = 'heap-report ';

export interface HeapReport {
  heapUsed: number;
  rss: number;
  external: number;
  arrayBuffers: number;
}

process.on('SIGWINCH', () => {
  const collect = (globalThis as { gc?: () => void }).gc;
  // Twice: the first pass may only queue finalizers whose objects the second frees.
  collect?.();
  collect?.();
  const { heapUsed, rss, external, arrayBuffers } = process.memoryUsage();
  const report: HeapReport = { heapUsed, rss, external, arrayBuffers };
  process.stdout.write(`${HEAP_REPORT_MARK}${JSON.stringify(report)}\n`);
});
