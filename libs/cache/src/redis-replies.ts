import type { ChainableCommander } from 'ioredis';

/**
 * Runs a pipeline or transaction and answers its replies in order, or throws the first command's
 * error. A transaction that WATCH aborted answers no replies.
 */
export async function execReplies(batch: ChainableCommander): Promise<unknown[]> {
  const replies = (await batch.exec()) ?? [];
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
