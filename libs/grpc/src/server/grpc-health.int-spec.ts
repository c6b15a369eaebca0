import { eventually, grpcHealthStatus } from '@app/testing';
import { Server, ServerCredentials } from '@grpc/grpc-js';

import { GrpcHealth } from './grpc-health';

describe('GrpcHealth', () => {
  let server: Server;
  let address: string;
  let dependencyUp = true;
  const health = new GrpcHealth(['toutiao.user.v1.UserService']);

  const status = (service: string) => grpcHealthStatus(address, service);

  beforeAll(async () => {
    server = new Server();
    health.addToServer(server);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    address = `127.0.0.1:${port}`;
    await health.watch(() => Promise.resolve(dependencyUp), 50);
  });

  afterAll(() => {
    health.stop();
    server.forceShutdown();
  });

  it('reports SERVING for the server and the named service while the dependency check passes', async () => {
    expect(await status('')).toBe('SERVING');
    expect(await status('toutiao.user.v1.UserService')).toBe('SERVING');
  });

  it('follows the dependency check to NOT_SERVING and back', async () => {
    const both = async () => [await status(''), await status('toutiao.user.v1.UserService')];
    const all = (wanted: string) => (statuses: string[]) => statuses.every((one) => one === wanted);
    dependencyUp = false;
    await eventually(both, all('NOT_SERVING'), 'NOT_SERVING after the check failed', 10_000, 20);
    dependencyUp = true;
    await eventually(both, all('SERVING'), 'SERVING after the check passed again', 10_000, 20);
  });

  it('counts a throwing check as NOT_SERVING and reports NOT_SERVING once stopped', async () => {
    const failing = new GrpcHealth([]);
    const probe = new Server();
    failing.addToServer(probe);
    await failing.watch(() => Promise.reject(new Error('database down')), 10_000);
    failing.stop();
    probe.forceShutdown();
    health.stop();
    expect(await status('')).toBe('NOT_SERVING');
  });

  it('stays NOT_SERVING once stopped while a check is still running, whatever that check then finds', async () => {
    const draining = new GrpcHealth(['toutiao.user.v1.UserService']);
    const own = new Server();
    draining.addToServer(own);
    const port = await new Promise<number>((resolve, reject) =>
      own.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    let checks = 0;
    let answerCheck: (up: boolean) => void = () => undefined;
    await draining.watch(() => {
      checks += 1;
      // The first check answers at once; the next one is still running when the service stops.
      return checks === 1
        ? Promise.resolve(true)
        : new Promise<boolean>((resolve) => (answerCheck = resolve));
    }, 20);
    await eventually(
      () => checks,
      (count) => count >= 2,
      'a second check running',
    );
    draining.stop();
    answerCheck(true);
    await new Promise((resolve) => setImmediate(resolve));
    try {
      expect(await grpcHealthStatus(`127.0.0.1:${port}`, '')).toBe('NOT_SERVING');
      expect(await grpcHealthStatus(`127.0.0.1:${port}`, 'toutiao.user.v1.UserService')).toBe(
        'NOT_SERVING',
      );
    } finally {
      own.forceShutdown();
    }
  });
});
