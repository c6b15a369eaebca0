import type { ConnectionOptions } from 'mysql2/promise';

import type { MysqlSettings } from './data-source-options';

/** Where a MariaDB server listens and whom to sign in as. */
export type MysqlServerAddress = Pick<
  MysqlSettings,
  'MYSQL_HOST' | 'MYSQL_PORT' | 'MYSQL_USER' | 'MYSQL_PASSWORD'
>;

/** mysql2's options for one connection to the server of `settings`, in `database` when given. */
export function mysqlConnectionOptions(
  settings: MysqlServerAddress,
  database?: string,
): ConnectionOptions {
  return {
    host: settings.MYSQL_HOST,
    port: settings.MYSQL_PORT,
    user: settings.MYSQL_USER,
    password: settings.MYSQL_PASSWORD,
    ...(database === undefined ? {} : { database }),
  };
}
