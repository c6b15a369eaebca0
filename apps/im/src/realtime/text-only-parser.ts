import { Decoder, Encoder } from 'socket.io-parser';

/**
 * Socket.IO's packet parser without binary packets from clients: a chat message and a CONNECT
 * are text, and no client of im sends anything else. A binary event (its header declares its
 * attachments) or a stray attachment throws, and Socket.IO closes the connection, as for a frame
 * over 64 KiB; the default decoder held up to 10 attachments of 64 KiB each for a header until
 * they all came, about 0.9 MB of a connection's memory.
 */
class TextOnlyDecoder extends Decoder {
  constructor() {
    super({ maxAttachments: 0 });
  }
}

/** The `parser` option of im's Socket.IO server. */
export const TEXT_ONLY_PARSER = { Encoder, Decoder: TextOnlyDecoder };
