import { EventEmitter } from 'node:events';

import { collectEvents, nextEvent } from './socket-events';

describe('socket event helpers', () => {
  it('nextEvent answers the next payload of the event, and only of that event', async () => {
    const socket = new EventEmitter();
    const next = nextEvent(socket, 'echo');
    socket.emit('other', 'no');
    socket.emit('echo', { n: 1 });
    socket.emit('echo', { n: 2 });
    await expect(next).resolves.toEqual({ n: 1 });
    expect(socket.listenerCount('echo')).toBe(0);
  });

  it('nextEvent rejects when nothing comes in time', async () => {
    await expect(nextEvent(new EventEmitter(), 'echo', 20)).rejects.toThrow(
      'no "echo" within 20 ms',
    );
  });

  it('collectEvents keeps every payload of the window and stops listening after it', async () => {
    const socket = new EventEmitter();
    const heard = collectEvents(socket, 'notify', 50);
    socket.emit('notify', 'a');
    socket.emit('notify', 'b');
    expect(await heard).toEqual(['a', 'b']);
    expect(socket.listenerCount('notify')).toBe(0);
  });
});
