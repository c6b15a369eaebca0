import { createHash } from 'node:crypto';

import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';

/** What a script takes after its keys (ARGV). */
export type ScriptArg = string | number | Buffer;

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: ScriptArg[]) => Promise<unknown>;
type QueuedScriptCommand = (
  numberOfKeys: number,
  ...keysAndArgs: ScriptArg[]
) => ChainableCommander;

/** Every script of the process: command name -> Lua. */
const scripts = new Map<string, string>();

/**
 * Defines every script on `redis` as a command of the connection. `createRedisClient` does so for
 * each client it makes, before any command: an auto-pipeline made before a script is defined on
 * its connection has no function for it, and a script call in the same tick would fail.
 */
export function defineRedisScripts(redis: Redis): void {
  for (const [command, lua] of scripts) {
    if (!(command in redis)) redis.defineCommand(command, { lua });
  }
}

/**
 * A Lua script, run as a command of each connection it is called on (ioredis `defineCommand`):
 * the first call on a socket sends the script (EVAL), later ones only its SHA1 (EVALSHA), and a
 * Redis that no longer holds it (restarted, SCRIPT FLUSH) answers NOSCRIPT, on which ioredis sends
 * it again. It works in auto-pipelines like every other command; KEYS get the connection's keyPrefix as
 * other commands' keys do. `Reply` is what the script returns, as ioredis reads it.
 */
export class RedisScript<
  Reply,
  Keys extends readonly string[] = readonly string[],
  Args extends readonly ScriptArg[] = readonly ScriptArg[],
> {
  /** The command's name on a connection: one per script text. */
  private readonly command: string;

  constructor(readonly lua: string) {
    this.command = `lua:${createHash('sha1').update(lua).digest('hex')}`;
    scripts.set(this.command, lua);
  }

  run(redis: Redis, keys: Keys, args: Args): Promise<Reply> {
    if (!(this.command in redis)) defineRedisScripts(redis);
    const call = (redis as unknown as Record<string, ScriptCommand>)[this.command];
    return call.call(redis, keys.length, ...keys, ...args) as Promise<Reply>;
  }

  /**
   * Adds the script to `pipeline`, whose `exec()` answers its reply in its place, sent with the
   * other commands; a Redis that answers NOSCRIPT gets it again after them (so a script whose
   * order matters is `run` alone). A pipeline has the scripts its connection had when it was
   * made: those of a client from `createRedisClient`, or one the script has already run on.
   */
  queue(pipeline: ChainableCommander, keys: Keys, args: Args): ChainableCommander {
    const call = (pipeline as unknown as Record<string, QueuedScriptCommand | undefined>)[
      this.command
    ];
    if (call === undefined) throw new Error(`${this.command} is not defined on this connection`);
    return call.call(pipeline, keys.length, ...keys, ...args);
  }
}
