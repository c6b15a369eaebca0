/**
 * Largest gRPC message (4 MiB, grpc-js' default) a server of ours reads and a client of ours sends:
 * a request over it is refused by the client itself, before it crosses the network.
 */
export const GRPC_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Most bytes of an article's content as stored (sanitised): a reply of the article carries it in
 * one message, with room for the article's other fields.
 */
export const ARTICLE_CONTENT_MAX_BYTES = GRPC_MAX_MESSAGE_BYTES - 64 * 1024;
