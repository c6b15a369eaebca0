import { AppError } from '@app/grpc';

/** The channel feature's client-facing errors, with the reference's messages. */
export const ChannelErrors = {
  channelsRequired: () => AppError.invalid('Channels param is required.'),
  invalidChannels: () => AppError.invalid('Invalid channels param.'),
  repeatedChannels: () => AppError.invalid('Repeated channels occurred.'),
  invalidSequence: () => AppError.invalid('Invalid channel sequence param.'),
  invalidChannelId: () => AppError.invalid('Invalid channel id.'),
  conflictingChannels: () => AppError.conflict('Some conflict user channels occurred.'),
} as const;
