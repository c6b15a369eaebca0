// The reference for `npm run bench:im`: Socket.IO on bare node:http with the same Redis adapter
// and server options as the im app, and nothing else. Every socket is let in and joins the room named
// by its `uid` query, as the im app puts a signed-in user in theirs (without a token to check).
import { createServer } from 'node:http';

import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import { Server } from 'socket.io';

const port = Number(process.env.IM_PORT);
const redisUrl = process.env.REDIS_STATE_URL ?? 'redis://127.0.0.1:6379/1';
const pub = new Redis(redisUrl);
const sub = new Redis(redisUrl);
const http = createServer();
const io = new Server(http, {
  pingTimeout: Number(process.env.IM_PING_TIMEOUT_MS ?? 300_000),
  allowEIO3: true,
  cors: { origin: true, credentials: true },
  adapter: createAdapter(pub, sub, { key: `${process.env.REDIS_KEY_PREFIX ?? ''}socket.io` }),
});
io.on('connection', (socket) => {
  const uid = socket.handshake.query.uid;
  if (typeof uid === 'string') void socket.join(uid);
});
http.listen(port, '127.0.0.1');

const shutdown = (): void => {
  void io.close(() => {
    pub.disconnect();
    sub.disconnect();
    process.exit(0);
  });
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
