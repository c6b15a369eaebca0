import { answersWithin } from '@app/config';

/** Whether readiness waits for a dependency, or only reports it. */
export type Requirement = 'required' | 'reported';

/** One dependency of an app and how to ask whether it answers. */
export interface DependencyCheck {
  name: string;
  requirement: Requirement;
  /** Resolves true when the dependency answers; false, a throw or no answer in time mean down. */
  isUp: () => Promise<boolean>;
}

export interface DependencyState {
  status: 'up' | 'down';
  required: boolean;
  latencyMs: number;
}

/**
 * The readiness body every app answers: `unavailable` when a required dependency is down; every
 * dependency, required or reported, is named with its state.
 */
export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, DependencyState>;
}

export const READINESS_TIMEOUT_MS = 1000;

/** Runs every check at once, each bounded by `timeoutMs`. */
export async function checkReadiness(
  checks: readonly DependencyCheck[],
  timeoutMs = READINESS_TIMEOUT_MS,
): Promise<ReadinessReport> {
  const states = await Promise.all(
    checks.map(async ({ name, requirement, isUp }): Promise<[string, DependencyState]> => {
      const started = performance.now();
      // A check that throws before it returns a promise is down too.
      const up = await answersWithin(Promise.resolve().then(isUp), timeoutMs);
      const latencyMs = Math.round(performance.now() - started);
      return [
        name,
        { status: up ? 'up' : 'down', required: requirement === 'required', latencyMs },
      ];
    }),
  );
  const ready = states.every(([, state]) => state.status === 'up' || !state.required);
  return { status: ready ? 'ok' : 'unavailable', checks: Object.fromEntries(states) };
}

/** The HTTP status of a readiness answer: 503 takes the replica out of its Service's endpoints. */
export function readinessHttpStatus(report: ReadinessReport): 200 | 503 {
  return report.status === 'ok' ? 200 : 503;
}
