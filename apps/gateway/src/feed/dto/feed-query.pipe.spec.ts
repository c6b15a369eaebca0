import { BadRequestException } from '@nestjs/common';

import { FeedQueryPipe } from './feed-query.pipe';

describe('FeedQueryPipe', () => {
  const pipe = new FeedQueryPipe();
  const refusal = (query: unknown): unknown => {
    try {
      pipe.transform(query);
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      return (error as BadRequestException).getResponse();
    }
    throw new Error('accepted');
  };

  it('reads the three numbers from their text', () => {
    expect(
      pipe.transform({ channel_id: '3', timestamp: '1730000000000', with_top: '1', extra: 'x' }),
    ).toEqual({
      channel_id: 3,
      timestamp: 1_730_000_000_000,
      with_top: 1,
    });
    expect(pipe.transform({ channel_id: '0', timestamp: '0', with_top: '0' })).toEqual({
      channel_id: 0,
      timestamp: 0,
      with_top: 0,
    });
  });

  it('names every missing or bad field with its message', () => {
    expect(refusal({})).toEqual({
      message: {
        channel_id: 'Missing required parameter in the query string',
        timestamp: 'Missing required parameter in the query string',
        with_top: 'Missing required parameter in the query string',
      },
    });
    expect(refusal({ channel_id: '-1', timestamp: '1.5', with_top: '2' })).toEqual({
      message: {
        channel_id: 'channel_id must be a natural number',
        timestamp: 'timestamp must be a natural number of milliseconds',
        with_top: 'with_top must be 0 or 1',
      },
    });
    expect(refusal({ channel_id: '2147483648', timestamp: 'soon', with_top: '1' })).toEqual({
      message: {
        channel_id: 'channel_id must be a natural number',
        timestamp: 'timestamp must be a natural number of milliseconds',
      },
    });
    expect(refusal({ channel_id: ['1', '2'], timestamp: '1', with_top: '1' })).toEqual({
      message: { channel_id: 'channel_id must be a natural number' },
    });
    expect(refusal({ channel_id: '', timestamp: '1e3', with_top: '0x1' })).toEqual({
      message: {
        channel_id: 'channel_id must be a natural number',
        timestamp: 'timestamp must be a natural number of milliseconds',
        with_top: 'with_top must be 0 or 1',
      },
    });
    expect(refusal(undefined)).toMatchObject({
      message: { with_top: 'Missing required parameter in the query string' },
    });
  });
});
