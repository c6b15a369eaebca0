import { cutWords } from '../search/search-tokenizer';

/** A run of Chinese characters, kept by `split` (the odd parts). */
const HAN_RUN = /(\p{Script=Han}+)/u;

/**
 * The words of an author's query, each of which an article must hold: parted at white space, and
 * a run of Chinese characters, written without spaces, into jieba's words (`入门机器学习` →
 * `入门`, `机器`, `学习`), where it had to be found as one piece; each word once.
 */
export function authoredSearchWords(
  q: string,
  cut: (text: string) => string[] = cutWords,
): string[] {
  const words = new Set<string>();
  for (const chunk of q.split(/\s+/)) {
    chunk.split(HAN_RUN).forEach((part, index) => {
      const pieces = index % 2 === 1 ? cut(part) : [part];
      for (const piece of pieces) if (piece.trim() !== '') words.add(piece);
    });
  }
  return [...words];
}
