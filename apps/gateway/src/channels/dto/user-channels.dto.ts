import { Allow } from 'class-validator';

/**
 * `{channels:[{id, seq}]}` (POST/PUT/PATCH) or `{channels:[id]}` (DELETE). Only kept through
 * the whitelist here: its shape is checked by `user-channels.parser` so failures carry the
 * reference's plain messages instead of per-field validation errors.
 */
export class UserChannelsDto {
  @Allow()
  channels?: unknown;
}
