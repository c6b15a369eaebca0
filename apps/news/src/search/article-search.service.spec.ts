import { AppError, ErrorKind } from '@app/grpc';
import { Logger } from '@nestjs/common';

import { ArticleSearchService } from './article-search.service';
import type { SearchHistoryStore } from './search-history.store';
import type { SearchHits } from './search.service';

const USER_ID = '1294287382374383617';

function newTestService(hits: SearchHits = { totalCount: 3, articleIds: ['11', '12'] }) {
  const engine = {
    search: jest.fn().mockResolvedValue(hits),
    index: jest.fn(),
    remove: jest.fn(),
    suggest: jest.fn(),
    saveKeyword: jest.fn().mockResolvedValue(undefined),
  };
  const history = {
    save: jest.fn().mockResolvedValue(undefined),
    list: jest.fn(),
    clear: jest.fn(),
  };
  const service = new ArticleSearchService(engine, history as unknown as SearchHistoryStore);
  return { service, engine, history };
}

describe('ArticleSearchService', () => {
  it('searches the normalized keyword with page 1 and 10 per page by default', async () => {
    const { service, engine } = newTestService();
    await expect(
      service.search({ q: '  发展 ', page: 0, perPage: 0, userId: '' }),
    ).resolves.toEqual({
      totalCount: 3,
      articleIds: ['11', '12'],
    });
    expect(engine.search).toHaveBeenCalledWith('发展', 1, 10);
  });

  it("on page 1 saves the signed-in user's keyword and, when something was found, the suggestion keyword", async () => {
    const { service, history, engine } = newTestService();
    await service.search({ q: 'Python', page: 1, perPage: 10, userId: USER_ID });
    expect(history.save).toHaveBeenCalledWith(USER_ID, 'Python');
    expect(engine.saveKeyword).toHaveBeenCalledWith('Python');
  });

  it('keeps no suggestion keyword when nothing was found, but still the history', async () => {
    const { service, history, engine } = newTestService({ totalCount: 0, articleIds: [] });
    await service.search({ q: 'nothing', page: 1, perPage: 10, userId: USER_ID });
    expect(history.save).toHaveBeenCalledWith(USER_ID, 'nothing');
    expect(engine.saveKeyword).not.toHaveBeenCalled();
  });

  it('records nothing for later pages, and no history for anonymous callers', async () => {
    const { service, history, engine } = newTestService();
    await service.search({ q: 'go', page: 2, perPage: 10, userId: USER_ID });
    await service.search({ q: 'go', page: 1, perPage: 10, userId: '' });
    expect(history.save).not.toHaveBeenCalled();
    expect(engine.saveKeyword).toHaveBeenCalledTimes(1);
  });

  it('still answers when recording the keyword fails', async () => {
    const { service, history } = newTestService();
    history.save.mockRejectedValue(new Error('redis down'));
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await expect(
      service.search({ q: 'go', page: 1, perPage: 10, userId: USER_ID }),
    ).resolves.toEqual({
      totalCount: 3,
      articleIds: ['11', '12'],
    });
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('redis down'));
    logged.mockRestore();
  });

  it('answers a blank keyword with no hits without searching or recording', async () => {
    const { service, engine, history } = newTestService();
    await expect(
      service.search({ q: '   ', page: 1, perPage: 10, userId: USER_ID }),
    ).resolves.toEqual({
      totalCount: 0,
      articleIds: [],
    });
    expect(engine.search).not.toHaveBeenCalled();
    expect(history.save).not.toHaveBeenCalled();
  });

  it.each([
    ['an empty q', { q: '' }],
    ['a q over 50 characters', { q: '发'.repeat(51) }],
    ['a q on two lines', { q: 'a\nb' }],
    ['per_page under 10', { perPage: 5 }],
    ['per_page over 50', { perPage: 51 }],
    ['a negative page', { page: -1 }],
    ['a malformed user id', { userId: 'abc' }],
  ])('rejects %s', async (_case, change) => {
    const { service, engine } = newTestService();
    const request = { q: 'go', page: 1, perPage: 10, userId: '', ...change };
    const error = await service.search(request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe(ErrorKind.InvalidArgument);
    expect(engine.search).not.toHaveBeenCalled();
  });

  it('accepts 50 characters counted as characters, not UTF-16 units', async () => {
    const { service, engine } = newTestService();
    await service.search({ q: '𠀀'.repeat(50), page: 1, perPage: 10, userId: '' });
    expect(engine.search).toHaveBeenCalled();
  });
});
