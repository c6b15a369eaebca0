import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { TraceLogWriter } from './trace-log.writer';

describe('TraceLogWriter', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tt-trace-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('buffers lines in memory and appends them as JSON lines on flush, creating the folder', async () => {
    const file = join(dir, 'nested', 'userClick.log');
    const writer = new TraceLogWriter({ TRACE_LOG_FILE: file, TZ: 'Asia/Shanghai' });
    const trace = '{"action":"click","userId":"1","articleId":"2","algorithmCombine":"C2"}';
    writer.write({ trace, channelId: 18, readTime: '' }, new Date('2019-05-01T02:03:04Z'));
    writer.write({ trace, channelId: 0, readTime: '35' }, new Date('2019-05-01T02:03:05Z'));
    await writer.flush();
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      { actionTime: '2019-05-01 10:03:04', readTime: '', channelId: 18, param: trace },
      { actionTime: '2019-05-01 10:03:05', readTime: '35', channelId: 0, param: trace },
    ]);
    writer.write({ trace: 'x', channelId: 1, readTime: '' });
    await writer.onApplicationShutdown();
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(3);
  });

  it('survives an unwritable path without throwing to the request', async () => {
    const writer = new TraceLogWriter({ TRACE_LOG_FILE: join(dir, '\0bad', 'log'), TZ: 'UTC' });
    writer.write({ trace: 't', channelId: 1, readTime: '' });
    await expect(writer.flush()).resolves.toBeUndefined();
  });
});
