import type { Server } from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';

/**
 * grpc.health.v1 for a service. The overall status ('') and each named service follow one
 * readiness check that is polled, so probes see real dependency state without running it per call.
 */
export class GrpcHealth {
  private readonly implementation: HealthImplementation;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly serviceNames: string[]) {
    this.implementation = new HealthImplementation(this.statusMap('NOT_SERVING'));
  }

  addToServer(server: Server): void {
    this.implementation.addToServer(server);
  }

  setServing(serving: boolean): void {
    const status: ServingStatus = serving ? 'SERVING' : 'NOT_SERVING';
    for (const [name] of Object.entries(this.statusMap(status))) {
      this.implementation.setStatus(name, status);
    }
  }

  /**
   * Runs `check` now and then every `intervalMs`; a failing or throwing check means NOT_SERVING.
   * Once stopped, it stays NOT_SERVING.
   */
  async watch(check: () => Promise<boolean>, intervalMs = 2000): Promise<void> {
    const run = async (): Promise<void> => {
      const serving = await check().catch(() => false);
      // A check still running when the service stopped must not mark it SERVING during its drain.
      if (!this.stopped) this.setServing(serving);
    };
    await run();
    this.timer = setInterval(() => void run(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.setServing(false);
  }

  private statusMap(status: ServingStatus): Record<string, ServingStatus> {
    return Object.fromEntries(['', ...this.serviceNames].map((name) => [name, status]));
  }
}
