import type Redis from 'ioredis';

/** Commands one ioredis client sends, and how many socket writes (batches, i.e. round trips) carry them. */
export interface RedisRecorder {
  readonly commands: string[];
  readonly writes: number;
  reset(): void;
  stop(): void;
}

export function recordRedis(client: Redis): RedisRecorder {
  // Both spies call through: pipelines send each command through sendCommand and write once.
  const send = jest.spyOn(client, 'sendCommand');
  const write = jest.spyOn(client.stream, 'write');
  return {
    get commands() {
      return send.mock.calls.map(([command]) => command.name);
    },
    get writes() {
      return write.mock.calls.length;
    },
    reset: () => {
      send.mockClear();
      write.mockClear();
    },
    stop: () => {
      send.mockRestore();
      write.mockRestore();
    },
  };
}
