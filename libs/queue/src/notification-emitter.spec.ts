import { NotificationEmitter, type NotificationPublisher } from './notification-emitter';

class RecordingPublisher implements NotificationPublisher {
  readonly published: Array<{ channel: string; message: Buffer }> = [];

  constructor(private readonly result: Promise<number> = Promise.resolve(1)) {}

  publish(channel: string, message: Buffer): Promise<number> {
    this.published.push({ channel, message });
    return this.result;
  }
}

const author = {
  user_id: '1294287382374383616',
  user_name: 'reader',
  user_photo: 'http://img/x',
  timestamp: 1_764_000_000,
};

describe('NotificationEmitter', () => {
  it('publishes to the room of the target user on the prefixed Socket.IO channel', async () => {
    const publisher = new RecordingPublisher();
    const emitter = new NotificationEmitter(publisher, 'pfx:');

    await expect(emitter.notifyFollowing('42', author)).resolves.toBe(1);

    expect(publisher.published).toHaveLength(1);
    const [{ channel, message }] = publisher.published;
    expect(channel).toBe('pfx:socket.io#/#42#');
    expect(message.includes('following notify')).toBe(true);
    expect(message.includes(author.user_id)).toBe(true);
  });

  it('sends liking and comment notifications with the article fields', async () => {
    const publisher = new RecordingPublisher();
    const emitter = new NotificationEmitter(publisher, '');
    const article = { ...author, art_id: '1294287382374383617', art_title: 'hello' };

    await emitter.notifyLiking('7', article);
    await emitter.notifyComment('8', article);

    expect(publisher.published.map((p) => p.channel)).toEqual(['socket.io#/#7#', 'socket.io#/#8#']);
    expect(publisher.published[0].message.includes('liking notify')).toBe(true);
    expect(publisher.published[1].message.includes('comment notify')).toBe(true);
    expect(publisher.published[1].message.includes('hello')).toBe(true);
  });

  it('surfaces a failed publish to the caller', async () => {
    const publisher = new RecordingPublisher(Promise.reject(new Error('redis down')));
    const emitter = new NotificationEmitter(publisher, '');
    await expect(emitter.notifyFollowing('1', author)).rejects.toThrow('redis down');
  });
});
