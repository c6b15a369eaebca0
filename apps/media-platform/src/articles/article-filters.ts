import { startOfLocalDay } from '@app/config';
import type { channelV1 } from '@app/contracts';
import { AppError, unary } from '@app/grpc';

import { INVALID_CHANNEL_ID } from './dto/list-articles-query.dto';

/** The last year a MySQL DATETIME holds. */
const LAST_DATETIME_YEAR = 9999;

/** The creation-time bounds the news service takes: ISO instants, '' where open. */
export interface CreatedRange {
  createdFrom: string;
  createdBefore: string;
}

/**
 * `begin_pubdate`..`end_pubdate` (`YYYY-MM-DD`, the end day included) as instants bounding the
 * creation time, days starting at midnight in `timeZone`. A malformed date, or a range that ends
 * before it begins, is refused with 400 `Invalid pubdate param.`, as the reference did.
 */
export function createdRange(
  begin: string | undefined,
  end: string | undefined,
  timeZone: string,
): CreatedRange {
  const from = dayStart(begin, 0, timeZone);
  // The end date is inclusive: everything before the next day starts.
  const before = dayStart(end, 1, timeZone);
  if (from && before && from.getTime() >= before.getTime())
    throw AppError.invalid('Invalid pubdate param.');
  return {
    createdFrom: from?.toISOString() ?? '',
    // Past 9999-12-31 there is no DATETIME to compare with (MySQL takes every row as after it),
    // and no row can be that late: the end is open.
    createdBefore:
      before && before.getUTCFullYear() <= LAST_DATETIME_YEAR ? before.toISOString() : '',
  };
}

/**
 * Refuses the first id that names no visible channel, as the reference's parser did: 0 (推荐,
 * the feed's) with `Invalid channel id param.`, any other with `Invalid channel id.`.
 */
export async function checkListedChannels(
  channels: channelV1.ChannelServiceClient,
  ids: readonly number[],
): Promise<void> {
  if (ids.length === 0) return;
  const { channels: listed } = await unary(channels.listChannels({ defaultOnly: false }));
  const visible = new Set(listed.map((channel) => channel.id));
  for (const id of ids) {
    if (id === 0) throw AppError.invalid('Invalid channel id param.', 'channel_id');
    if (!visible.has(id)) throw AppError.invalid(INVALID_CHANNEL_ID, 'channel_id');
  }
}

/** The local day start (+ `addDays`), undefined when absent; 400 for a malformed date. */
function dayStart(date: string | undefined, addDays: number, timeZone: string): Date | undefined {
  if (date === undefined) return undefined;
  const instant = startOfLocalDay(date, timeZone, addDays);
  if (!instant) throw AppError.invalid('Invalid pubdate param.');
  return instant;
}
