import { settledWithin } from '@app/config';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * How long closing the MySQL pool waits for its connections' QUITs: each waits for the statement
 * its connection runs, and one of a call cancelled at the drain deadline may wait on a lock for
 * as long as MySQL lets it (lock_wait_timeout, a year by default).
 */
export const MYSQL_POOL_CLOSE_TIMEOUT_MS = 3_000;

/**
 * Gives the data source's `destroy` (TypeORM's shutdown hook) MYSQL_POOL_CLOSE_TIMEOUT_MS: past
 * it, the shutdown goes on and the process ends with the connections still open, which MySQL then
 * drops, rolling back what they had not committed.
 */
@Injectable()
export class BoundedPoolClose implements OnModuleInit {
  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    const destroy = this.dataSource.destroy.bind(this.dataSource);
    this.dataSource.destroy = () => closedWithin(destroy(), MYSQL_POOL_CLOSE_TIMEOUT_MS);
  }
}

async function closedWithin(closing: Promise<void>, timeoutMs: number): Promise<void> {
  const settles = (): boolean => true;
  if (await settledWithin(closing.then(settles, settles), timeoutMs, false)) return closing;
  new Logger('Shutdown').warn(
    `MySQL pool not closed within ${timeoutMs} ms: a statement still runs; leaving it open`,
  );
}
