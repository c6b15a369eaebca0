import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MysqlQueryRunner } from 'typeorm/driver/mysql/MysqlQueryRunner';

import { OUTBOX_PROBE_SQL } from '../../../apps/news/src/outbox/job-outbox.relay';

export interface RecordedStatement {
  sql: string;
  parameters: unknown[];
}

/** Every SQL statement one app's TypeORM data source sends, recorded from now on. */
export interface SqlRecorder {
  readonly statements: RecordedStatement[];
  /**
   * Statements so far whose SQL matches (and whose parameters include `parameter`, when given; a
   * list for `IN (?)` counts as its items).
   */
  count(match?: RegExp, parameter?: string): number;
  reset(): void;
  stop(): void;
}

/**
 * Background queries, not request work: the readiness probe (polled into grpc.health.v1 every
 * 2 s) and news' job outbox relay looking for rows (every second).
 */
const BACKGROUND = new Set(['SELECT 1', OUTBOX_PROBE_SQL]);

export function recordSql(app: INestApplicationContext): SqlRecorder {
  const dataSource = app.get(DataSource);
  // Calls through; only reads what each query runner of this data source sends.
  // Recorders of several apps share this spy, so each keeps its own starting point.
  const spy = jest.spyOn(MysqlQueryRunner.prototype, 'query');
  let start = spy.mock.calls.length;
  const statements = (): RecordedStatement[] =>
    spy.mock.calls
      .slice(start)
      .flatMap(([sql, parameters], index) =>
        (spy.mock.contexts[start + index] as MysqlQueryRunner).connection === dataSource &&
        !BACKGROUND.has(sql.trim())
          ? [{ sql, parameters: Array.isArray(parameters) ? (parameters as unknown[]) : [] }]
          : [],
      );
  return {
    get statements() {
      return statements();
    },
    count: (match, parameter) =>
      statements().filter(
        (statement) =>
          (!match || match.test(statement.sql)) &&
          (parameter === undefined ||
            statement.parameters.flat().some((value) => String(value) === parameter)),
      ).length,
    reset: () => {
      start = spy.mock.calls.length;
    },
    stop: () => spy.mockRestore(),
  };
}
