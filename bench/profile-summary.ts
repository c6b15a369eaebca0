import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * Samples per node id, counting only the last `windowMs` of the profile (the measured load; the
 * gateway's start-up and module loading come before it and would otherwise dominate).
 */
function windowHits(profile: CpuProfile, windowMs: number): Map<number, number> {
  const hits = new Map<number, number>();
  const from = profile.endTime - windowMs * 1000;
  let time = profile.startTime;
  profile.samples.forEach((nodeId, index) => {
    time += profile.timeDeltas[index] ?? 0;
    if (time >= from) hits.set(nodeId, (hits.get(nodeId) ?? 0) + 1);
  });
  return hits;
}

function newestProfile(dir: string): CpuProfile | undefined {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.cpuprofile'))
    .sort();
  return files.length
    ? (JSON.parse(readFileSync(join(dir, files[files.length - 1]), 'utf8')) as CpuProfile)
    : undefined;
}

export interface ProfileLine {
  share: number;
  selfMs: number;
  frame: string;
}

/** Self time per function (top `limit`) in the last `windowMs` of the newest .cpuprofile in `dir`. */
export function summarizeProfile(dir: string, windowMs: number, limit = 20): ProfileLine[] {
  const profile = newestProfile(dir);
  if (!profile) return [];
  const nodeHits = windowHits(profile, windowMs);
  const hits = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const count = nodeHits.get(node.id) ?? 0;
    if (count === 0) continue;
    const url = node.callFrame.url
      .replace(/^file:\/\//, '')
      .replace(/^.*\/node_modules\//, 'node_modules/')
      .replace(/^.*\/dist\//, 'dist/');
    const frame = `${node.callFrame.functionName || '(anonymous)'} ${url}${url ? `:${node.callFrame.lineNumber + 1}` : ''}`;
    hits.set(frame, (hits.get(frame) ?? 0) + count);
    total += count;
  }
  const msPerSample =
    (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length); // average sampling interval
  return [...hits.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([frame, count]) => ({ share: count / total, selfMs: count * msPerSample, frame }));
}

/** Self time grouped by package / area (node_modules/<pkg>, dist/apps, dist/libs, node internals, GC, idle). */
export function summarizeByArea(
  dir: string,
  windowMs: number,
): Array<{ area: string; share: number }> {
  const profile = newestProfile(dir);
  if (!profile) return [];
  const nodeHits = windowHits(profile, windowMs);
  const hits = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const count = nodeHits.get(node.id) ?? 0;
    if (count === 0) continue;
    const { url, functionName } = node.callFrame;
    let area: string;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (pkg) area = pkg[1];
    else if (url.includes('/dist/'))
      area = url.replace(/^.*\/dist\/((?:apps|libs)\/[^/]+).*$/, '$1');
    else if (url.startsWith('node:')) area = 'node internals';
    else area = functionName.startsWith('(') ? functionName : 'node internals';
    hits.set(area, (hits.get(area) ?? 0) + count);
    total += count;
  }
  return [...hits.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([area, count]) => ({ area, share: count / total }));
}
