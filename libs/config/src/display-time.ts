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

/** `YYYY-MM-DDTHH:MM:SS` in the display time zone (the reference's `pubdate`); '' for a bad instant. */
export function formatPubdate(value: Date | string, timeZone: string): string {
  const instant = toInstant(value);
  if (!instant) return '';
  const p = wallClock(instant, timeZone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

/** `YYYY-MM-DD HH:MM:SS` in the display time zone (MP lists, the trace log's `actionTime`); '' for a bad instant. */
export function formatDateTime(value: Date | string, timeZone: string): string {
  const instant = toInstant(value);
  if (!instant) return '';
  const p = wallClock(instant, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
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
  for (let pass = 0; pass < 2; pass += 1) {
    const p = wallClock(new Date(instant), timeZone);
    const shown = Date.UTC(
      Number(p.year),
      Number(p.month) - 1,
      Number(p.day),
      Number(p.hour),
      Number(p.minute),
      Number(p.second),
    );
    instant += target - shown;
  }
  return new Date(instant);
}
