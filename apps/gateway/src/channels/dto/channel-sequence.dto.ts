import { Allow } from 'class-validator';

/** `{seq}` of PUT `/user/channels/{id}`; checked by `user-channels.parser`. */
export class ChannelSequenceDto {
  @Allow()
  seq?: unknown;
}
