import { randomBytes } from 'node:crypto';

import type Redis from 'ioredis';

import { StateKeys } from './keys';
import { RedisScript, type ScriptArg } from './redis-script';

/**
 * How long Redis remembers which writes it applied: a write whose reply was lost is sent again
 * once the client reaches Redis again (ioredis resends what was not answered), and applies twice
 * only after an hour without.
 */
export const APPLIED_WRITES_TTL_S = 3_600;

/** Where Redis records that one write was applied: a bit of a bitmap in the state role. */
export interface WriteMark {
  /** `StateKeys.counterWrite` of the bitmap. */
  readonly bitmap: string;
  readonly bit: number;
}

/** Writes one bitmap records: 8 KiB at most, however many writes a process makes. */
const WRITES_PER_BITMAP = 65_536;

/** Marks of one writer (a process): each write its own bit, the bitmaps named by a random id. */
export class WriteMarks {
  private readonly writer = randomBytes(8).toString('hex');
  private taken = 0;

  next(): WriteMark {
    const number = this.taken++;
    const bitmap = Math.floor(number / WRITES_PER_BITMAP).toString(36);
    return { bitmap: StateKeys.counterWrite(`${this.writer}:m${bitmap}`), bit: number % WRITES_PER_BITMAP };
  }
}

const processMarks = new WriteMarks();

export interface ApplyOnceLua {
  /** The write, a script body that returns its reply; KEYS and ARGV are those of `run`. */
  apply: string;
  /**
   * Answers a write sent again after it was applied, instead of applying it: a script body with
   * the same KEYS and ARGV, that reads and changes nothing but its reply.
   */
  replay: string;
  /**
   * A Lua condition on `reply`: true when `apply` refused the write and changed nothing, which is
   * then not recorded (a write sent again is judged again). Without it every write is recorded.
   */
  refused?: string;
}

/**
 * A script whose write applies once however often the same call reaches Redis: ioredis sends a
 * command again when the connection that carried it closed unanswered, also when Redis had run
 * it. Each call carries a mark, its own bit (`WriteMarks`), that the script sets before applying
 * and clears again when the write was refused; a call that finds its bit set answers `replay`. It
 * costs no round trip: the mark goes as the call's last key and last argument, and the bit is set
 * inside the script (SETBIT, EXPIRE: one more per call).
 */
export class ApplyOnceScript<
  Reply,
  Keys extends readonly string[] = readonly string[],
  Args extends readonly ScriptArg[] = readonly ScriptArg[],
> {
  private readonly script: RedisScript<Reply>;

  constructor({ apply, replay, refused }: ApplyOnceLua) {
    this.script = new RedisScript(`
local once_bit = table.remove(ARGV)
local once_bitmap = table.remove(KEYS)
local applied_before = redis.call('SETBIT', once_bitmap, once_bit, 1) == 1
redis.call('EXPIRE', once_bitmap, ${APPLIED_WRITES_TTL_S})
if applied_before then
${replay}
end
local reply = (function()
${apply}
end)()
${refused === undefined ? '' : `if ${refused} then redis.call('SETBIT', once_bitmap, once_bit, 0) end`}
return reply`);
  }

  /**
   * Runs the write under `mark`, a new one of this process' unless the caller sends it again
   * itself. A call ioredis aborted is sent again under its mark: ioredis sends again only what its
   * closed connection left unanswered from the first command of a pipeline on, and aborts a call
   * that came after an answered one of its (auto-)pipeline, though Redis may have run it.
   */
  async run(redis: Redis, keys: Keys, args: Args, mark: WriteMark = processMarks.next()): Promise<Reply> {
    for (let sent = 1; ; sent += 1) {
      try {
        return await this.script.run(redis, [...keys, mark.bitmap], [...args, mark.bit]);
      } catch (error) {
        if (!abortedByClosedConnection(error) || sent >= ABORTED_CALL_SENDS) throw error;
      }
    }
  }
}

/** How often a call ioredis aborts is sent: a connection closing on each of them fails it. */
const ABORTED_CALL_SENDS = 3;

/** ioredis' `AbortError` (redis-errors), which it rejects an abandoned pipelined call with. */
function abortedByClosedConnection(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
