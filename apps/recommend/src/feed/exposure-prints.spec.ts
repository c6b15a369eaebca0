import { exposurePrint, packPrints, ShownArticles } from './exposure-prints';

const printed = (id: string) => ({ id, print: exposurePrint(id) });

describe('exposure prints', () => {
  it('are the 32-bit FNV-1a hash of the id', () => {
    // Reference values of FNV-1a (32 bits).
    expect(exposurePrint('') >>> 0).toBe(0x811c9dc5);
    expect(exposurePrint('a') >>> 0).toBe(0xe40c292c);
    expect(exposurePrint('foobar') >>> 0).toBe(0xbf9cf968);
    expect(exposurePrint('foobar')).toBe(0xbf9cf968 | 0);
    expect(exposurePrint('1500000000000000001')).not.toBe(exposurePrint('1500000000000000002'));
  });

  it('pack four bytes per id, big-endian, in order', () => {
    const packed = packPrints(['a', 'foobar']);
    expect(packed).toHaveLength(8);
    expect([packed.readUInt32BE(0), packed.readUInt32BE(4)]).toEqual([0xe40c292c, 0xbf9cf968]);
    expect(packPrints([])).toHaveLength(0);
  });

  it('tell shown articles from the rest, over appended batches and the ids kept before them', () => {
    const appended = Buffer.concat([packPrints(['11', '12']), packPrints(['13'])]);
    const shown = new ShownArticles(appended, ['21']);
    expect(['11', '12', '13', '21', '14', '22'].map((id) => shown.has(printed(id)))).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('ignore a torn last print and know nothing when there are none', () => {
    const torn = Buffer.concat([packPrints(['11']), packPrints(['12']).subarray(0, 3)]);
    const shown = new ShownArticles(torn, []);
    expect([shown.has(printed('11')), shown.has(printed('12'))]).toEqual([true, false]);
    expect(ShownArticles.NONE.has(printed('11'))).toBe(false);
    expect(new ShownArticles(null, []).has(printed(''))).toBe(false);
  });
});
