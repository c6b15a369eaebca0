import type { SearchService } from './search.service';
import { MAX_SUGGESTIONS, SuggestionService, uniqueOptions } from './suggestion.service';

describe('uniqueOptions', () => {
  it('keeps the first of options that differ only in case, in order, up to the limit', () => {
    expect(uniqueOptions(['Python', 'go', 'python', 'Go 入门', 'GO'], 10)).toEqual([
      'Python',
      'go',
      'Go 入门',
    ]);
    expect(uniqueOptions(['a', 'b', 'c'], 2)).toEqual(['a', 'b']);
  });
});

describe('SuggestionService', () => {
  it("keeps the engine's order, unique and at most 10", async () => {
    const titles = Array.from({ length: 10 }, (_, i) => (i === 0 ? '发展' : `发展 ${i}`));
    const engine = { suggest: jest.fn().mockResolvedValue(['发展', '发展趋势', ...titles]) };
    const service = new SuggestionService(engine as unknown as SearchService);
    const options = await service.suggest(' 发展 ');
    expect(engine.suggest).toHaveBeenCalledWith('发展', MAX_SUGGESTIONS);
    expect(options).toHaveLength(10);
    expect(options.slice(0, 3)).toEqual(['发展', '发展趋势', '发展 1']);
    expect(new Set(options).size).toBe(options.length);
  });

  it('suggests nothing for a blank prefix without querying', async () => {
    const engine = { suggest: jest.fn() };
    const service = new SuggestionService(engine as unknown as SearchService);
    await expect(service.suggest('  ')).resolves.toEqual([]);
    expect(engine.suggest).not.toHaveBeenCalled();
  });
});
