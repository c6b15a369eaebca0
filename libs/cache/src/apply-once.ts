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
    return {
      bitmap: StateKeys.counterWrite(`${this.writer}:m${bitmap}`),
      bit: number % WRITES_PER_BITMAP,
    };
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
  /**
   * Seconds to keep the reply of a write applied under its mark, for the same call sent again to
   * answer it as it was first answered (`replay` answers once it is gone): for a write whose reply
   * Redis cannot read back, such as ids it took from a list. Kept replies are JSON (cjson), so a
   * reply of strings and integers.
   */
  keepReplyS?: number;
}

/**
 * A script whose write applies once however often the same call reaches Redis: ioredis sends a
 * command again when the connection that carried it closed unanswered, also when Redis had run
 * it. Each call carries a mark, its own bit (`WriteMarks`), that the script sets before applying
 * and clears again when the write was refused; a call that finds its bit set answers `replay`. It
 * costs no round trip: the mark goes as the call's last key and last argument, and the bit is set
 * inside the script (SETBIT, EXPIRE: one more per call; a kept reply one SET more, under a key
 * of its own that goes before the mark's).
 */
export class ApplyOnceScript<
  Reply,
  Keys extends readonly string[] = readonly string[],
  Args extends readonly ScriptArg[] = readonly ScriptArg[],
> {
  private readonly script: RedisScript<Reply>;

  private readonly keepsReply: boolean;

  constructor(lua: ApplyOnceLua) {
    this.keepsReply = lua.keepReplyS !== undefined;
    this.script = new RedisScript(applyOnceLua(lua));
  }

  /**
   * Runs the write under `mark`, a new one of this process' unless the caller sends it again
   * itself. A call ioredis aborted is sent again under its mark: ioredis sends again only what its
   * closed connection left unanswered from the first command of a pipeline on, and aborts a call
   * that came after an answered one of its (auto-)pipeline, though Redis may have run it.
   */
  async run(
    redis: Redis,
    keys: Keys,
    args: Args,
    mark: WriteMark = processMarks.next(),
  ): Promise<Reply> {
    const markKeys = this.keepsReply ? [keptReplyKey(mark), mark.bitmap] : [mark.bitmap];
    return sentAgainWhenAborted(() =>
      this.script.run(redis, [...keys, ...markKeys], [...args, mark.bit]),
    );
  }
}

/**
 * The Lua of an ApplyOnceScript: takes the mark (and a kept reply's key) off the call's last key
 * and argument, answers `replay` (or the kept reply) when the mark's bit was set, and otherwise
 * runs `apply`, clearing the bit again when `refused` holds or keeping the reply.
 */
export function applyOnceLua({ apply, replay, refused, keepReplyS }: ApplyOnceLua): string {
  const kept = keptReplyLua(keepReplyS);
  const afterApply =
    refused === undefined
      ? kept.store
      : `if ${refused} then redis.call('SETBIT', once_bitmap, once_bit, 0) else ${kept.store} end`;
  return `
local once_bit = table.remove(ARGV)
local once_bitmap = table.remove(KEYS)
${kept.takeKey}
local applied_before = redis.call('SETBIT', once_bitmap, once_bit, 1) == 1
redis.call('EXPIRE', once_bitmap, ${APPLIED_WRITES_TTL_S})
if applied_before then
${kept.answer}
${replay}
end
local reply = (function()
${apply}
end)()
${afterApply}
return reply`;
}

/** The lines of the script that keep a write's reply (`ApplyOnceLua.keepReplyS`); none without it. */
interface KeptReplyLua {
  /** Takes the kept reply's key off KEYS (it goes before the mark's bitmap). */
  takeKey: string;
  /** Answers a write sent again with its kept reply, while it is kept. */
  answer: string;
  /** Keeps the reply of a write applied. */
  store: string;
}

function keptReplyLua(keepReplyS: number | undefined): KeptReplyLua {
  if (keepReplyS === undefined) return { takeKey: '', answer: '', store: '' };
  return {
    takeKey: 'local once_reply = table.remove(KEYS)',
    answer: `local kept = redis.call('GET', once_reply)
if kept then return cjson.decode(kept) end`,
    store: `redis.call('SET', once_reply, cjson.encode(reply), 'EX', ${keepReplyS})`,
  };
}

/**
 * What `send` answers, sent again when ioredis aborted it: it aborts a call that came after an
 * answered one of its (auto-)pipeline when the connection closed, though Redis may have run it.
 * Only for a call that answers the same when Redis runs it again (as an ApplyOnceScript's does).
 */
export async function sentAgainWhenAborted<T>(send: () => Promise<T>): Promise<T> {
  for (let sent = 1; ; sent += 1) {
    try {
      return await send();
    } catch (error) {
      if (!abortedByClosedConnection(error) || sent >= ABORTED_CALL_SENDS) throw error;
    }
  }
}

/** Where the reply of the write under `mark` is kept (`ApplyOnceLua.keepReplyS`). */
const keptReplyKey = (mark: WriteMark): string => `${mark.bitmap}:${mark.bit}`;

/** How often a call ioredis aborts is sent: a connection closing on each of them fails it. */
const ABORTED_CALL_SENDS = 3;

/** ioredis' `AbortError` (redis-errors), which it rejects an abandoned pipelined call with. */
function abortedByClosedConnection(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
