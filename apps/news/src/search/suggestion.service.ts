import { Injectable } from '@nestjs/common';

import { checkedKeyword } from './article-search.service';
import { SearchService } from './search.service';

export const MAX_SUGGESTIONS = 10;

/**
 * Completions of what the user is typing: saved keywords first, then approved article titles.
 * None that holds markup: toutiao-m renders each option as HTML, in every reader's search box.
 */
@Injectable()
export class SuggestionService {
  constructor(private readonly engine: SearchService) {}

  async suggest(q: string): Promise<string[]> {
    const prefix = checkedKeyword(q);
    if (prefix.length === 0) return [];
    return uniqueOptions(await this.engine.suggest(prefix, MAX_SUGGESTIONS), MAX_SUGGESTIONS);
  }
}

/** The first `limit` options, dropping repeats that differ only in letter case. */
export function uniqueOptions(options: readonly string[], limit: number): string[] {
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const option of options) {
    const key = option.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(option);
    if (unique.length === limit) break;
  }
  return unique;
}
