const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallClock(instant: Date, timeZone: string): Record<string, string> {
  return Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
}

function toInstant(value: Date | string): Date | undefined {
  if (value === '') return undefined;
  const instant = value instanceof Date ? value : new Date(value);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** Zone offsets change only on quarter-hour boundaries, so one lookup serves a whole quarter hour. */
const QUARTER_HOUR_MS = 900_000;
const MAX_REMEMBERED_OFFSETS = 10_000;
const offsets = new Map<string, number>();

/** `compute()` remembered under `key` in `memo`, which starts over once it holds `max` entries. */
function remembered<T>(memo: Map<string, T>, max: number, key: string, compute: () => T): T {
  let value = memo.get(key);
  if (value === undefined) {
    value = compute();
    if (memo.size >= max) memo.clear();
    memo.set(key, value);
  }
  return value;
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in ms (Intl is slow: remembered). */
function offsetAt(instant: Date, timeZone: string): number {
  const quarterStart = Math.floor(instant.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  return remembered(offsets, MAX_REMEMBERED_OFFSETS, `${timeZone}|${quarterStart}`, () => {
    const p = wallClock(new Date(quarterStart), timeZone);
    const shown = Date.UTC(
      Number(p.year),
      Number(p.month) - 1,
      Number(p.day),
      Number(p.hour),
      Number(p.minute),
      Number(p.second),
    );
    return shown - quarterStart;
  });
}

/** `YYYY-MM-DDTHH:MM:SS` of the wall clock in `timeZone`. */
function localIso(instant: Date, timeZone: string): string {
  const local = new Date(instant.getTime() + offsetAt(instant, timeZone));
  const year = local.getUTCFullYear();
  if (year >= 1000 && year <= 9999) return local.toISOString().slice(0, 19);
  const p = wallClock(instant, timeZone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

const MAX_REMEMBERED_PUBDATES = 50_000;
const pubdates = new Map<string, string>();

/**
 * `YYYY-MM-DDTHH:MM:SS` in the display time zone (the reference's `pubdate`); '' for a bad instant.
 * Every card shows one, and an article's never changes: the text for a stored time is remembered.
 */
export function formatPubdate(value: Date | string, timeZone: string): string {
  if (typeof value !== 'string') return formatInstant(value, timeZone);
  return remembered(pubdates, MAX_REMEMBERED_PUBDATES, `${timeZone}|${value}`, () =>
    formatInstant(value, timeZone),
  );
}

function formatInstant(value: Date | string, timeZone: string): string {
  const instant = toInstant(value);
  return instant ? localIso(instant, timeZone) : '';
}

/**
 * `format` of the current time, run once per second: for hot paths that stamp what they answer or
 * log with a time of second resolution (pinned feed cards, trace-log lines).
 */
export function formatOncePerSecond(format: (instant: Date) => string): (now?: Date) => string {
  let second = NaN;
  let text = '';
  return (now = new Date()) => {
    const current = Math.floor(now.getTime() / 1000);
    if (current !== second) {
      text = format(now);
      second = current;
    }
    return text;
  };
}

/** `YYYY-MM-DD HH:MM:SS` in the display time zone (MP lists, the trace log's `actionTime`); '' for a bad instant. */
export function formatDateTime(value: Date | string, timeZone: string): string {
  const instant = toInstant(value);
  return instant ? localIso(instant, timeZone).replace('T', ' ') : '';
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The instant a `YYYY-MM-DD` day starts in `timeZone` (plus `addDays`), or undefined when the
 * text is not a real calendar date.
 */
export function startOfLocalDay(date: string, timeZone: string, addDays = 0): Date | undefined {
  const match = DATE.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utcMidnight = Date.UTC(year, month - 1, day);
  const check = new Date(utcMidnight);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day
  )
    return undefined;
  const target = utcMidnight + addDays * 86_400_000;
  // The zone's offset at that wall-clock time; a second pass settles days where the offset changes.
  let instant = target;
  for (let pass = 0; pass < 2; pass += 1) instant = target - offsetAt(new Date(instant), timeZone);
  return new Date(instant);
}

/**
 * The calendar day in `timeZone` at `instant` (`YYYY-MM-DD`) and how many ms of it are left: the
 * window of a daily limit, which the readers expect to start at their midnight.
 */
export function localDay(instant: number, timeZone: string): { date: string; msLeft: number } {
  const date = localIso(new Date(instant), timeZone).slice(0, 10);
  const end = startOfLocalDay(date, timeZone, 1)?.getTime() ?? instant + 86_400_000;
  return { date, msLeft: end - instant };
}
