import type { DependencyState, ReadinessReport } from '@app/grpc';

/** A readiness check as tests compare it: its latency is checked on its own. */
export type ComparedDependency = Omit<DependencyState, 'latencyMs'>;

/**
 * A readiness body with each check's `latencyMs` checked (whole milliseconds, not negative) and
 * left out, so the rest can be compared exactly.
 */
export function withoutLatencies(report: ReadinessReport): {
  status: ReadinessReport['status'];
  checks: Record<string, ComparedDependency>;
} {
  const checks = Object.entries(report.checks).map(([name, { latencyMs, ...compared }]) => {
    if (!Number.isInteger(latencyMs) || latencyMs < 0) {
      throw new Error(`readiness check ${name}: latencyMs ${String(latencyMs)} is not a duration`);
    }
    return [name, compared] as const;
  });
  return { status: report.status, checks: Object.fromEntries(checks) };
}
