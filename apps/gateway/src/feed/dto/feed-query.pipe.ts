import { INT32_MAX, INTEGER_TEXT } from '@app/grpc';
import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

const MISSING = 'Missing required parameter in the query string';
const CHANNEL_ID = 'channel_id must be a natural number';
const TIMESTAMP = 'timestamp must be a natural number of milliseconds';
const WITH_TOP = 'with_top must be 0 or 1';

/** Query of GET /v1_1/articles (the home feed). */
export interface FeedQuery {
  /** 0 = the recommend channel. */
  channel_id: number;
  /** Milliseconds: now for the newest batch, else the `pre_timestamp` of the previous answer. */
  timestamp: number;
  with_top: 0 | 1;
}

/**
 * Checks the home feed's query by hand: it is the busiest route, and class-validator cost it a
 * tenth of its time. Same rules, messages and 400 body as the validation pipe (decimal digits,
 * `{"message":{"<field>":"<error>"}}`).
 */
@Injectable()
export class FeedQueryPipe implements PipeTransform<unknown, FeedQuery> {
  transform(raw: unknown): FeedQuery {
    const query = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const errors: Record<string, string> = {};
    const check = (
      field: keyof FeedQuery,
      valid: (value: number) => boolean,
      message: string,
    ): number => {
      const text = query[field];
      if (text === undefined || text === null) {
        errors[field] = MISSING;
        return 0;
      }
      const value = typeof text === 'string' && INTEGER_TEXT.test(text) ? Number(text) : Number.NaN;
      if (!valid(value)) errors[field] = message;
      return value;
    };
    const channelId = check('channel_id', (value) => natural(value, INT32_MAX), CHANNEL_ID);
    const timestamp = check(
      'timestamp',
      (value) => natural(value, Number.MAX_SAFE_INTEGER),
      TIMESTAMP,
    );
    const withTop = check('with_top', (value) => value === 0 || value === 1, WITH_TOP);
    if (Object.keys(errors).length > 0) throw new BadRequestException({ message: errors });
    return { channel_id: channelId, timestamp, with_top: withTop === 1 ? 1 : 0 };
  }
}

function natural(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max;
}
