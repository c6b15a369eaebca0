import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { withoutStrayControls } from '@app/grpc';
import { Injectable } from '@nestjs/common';

/** Words too common to relate two titles. */
const STOPWORDS = new Set([
  ...'an and are as at be by for from how in is it of on or that the this to was what with why you your'.split(
    ' ',
  ),
  ...'一个 这个 那个 这是 我们 你们 他们 没有 什么 因为 所以 但是 而且 以及 或者 还是 就是 已经 自己 关于 如何 怎么 可以 如果'.split(
    ' ',
  ),
]);

/**
 * Names how `tokens` cuts a title: change it with any change to what it answers, and the next
 * rebuild of the candidate pools cuts every pooled title again (`CandidateRefresher`). `2`: control
 * characters dropped first.
 */
export const TITLE_CUTTING = '2';

let sharedJieba: Jieba | undefined;

/**
 * Title words for relating articles: jieba words, lower-cased NFKC, 2+ characters, no stopwords.
 * A title stored before the edges refused control characters is cut as repaired
 * (`withoutStrayControls`): one inside a word split it, and `并\u0007发` lost `并发`.
 */
@Injectable()
export class TitleTokenizer {
  private readonly jieba: Jieba;

  constructor() {
    // Loading the dictionary takes about half a second: once per process.
    sharedJieba ??= Jieba.withDict(dict);
    this.jieba = sharedJieba;
  }

  tokens(title: string): string[] {
    const words = new Set<string>();
    for (const word of this.jieba.cut(
      withoutStrayControls(title).normalize('NFKC').toLowerCase(),
      true,
    )) {
      for (const part of word.split(/[^\p{L}\p{N}]+/u)) {
        if ([...part].length >= 2 && !STOPWORDS.has(part)) words.add(part);
      }
    }
    return [...words];
  }
}
