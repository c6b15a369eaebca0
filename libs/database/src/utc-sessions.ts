import { createPool, type Pool, type PoolConnection, type PoolOptions } from 'mysql2';

/** What a session runs before anything else: times MySQL fills in itself are UTC. */
const UTC_SESSION = "SET time_zone = '+00:00'";

/**
 * mysql2 as TypeORM's driver (`createPool` is all it uses without replication), with every pooled
 * connection's session in UTC. mysql2 reads and writes DATETIME as UTC (`timezone: 'Z'`), but the
 * times MySQL fills in (`DEFAULT CURRENT_TIMESTAMP`, `ON UPDATE`, `CURRENT_TIMESTAMP` in a
 * statement) follow the session's zone, which is the server's: on a server set to local time
 * (`default-time-zone=+08:00`) every create_time was that many hours ahead of the times written
 * from Node. mysql2 announces a new connection before handing it out and runs a connection's
 * statements in order, so the SET goes first.
 */
export const utcSessionsMysql2 = {
  createPool(options: PoolOptions): Pool {
    const pool = createPool(options);
    pool.on('connection', (connection: PoolConnection) => {
      connection.query(UTC_SESSION, (error) => {
        // A session left in the server's zone would store wrong times: it is not used.
        if (error) connection.destroy();
      });
    });
    return pool;
  },
};
