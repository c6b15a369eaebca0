import { resolveCover, storageImagesIn } from './article-cover.rules';

const URL = 'http://img.test/';
const img = (name: string) => `<p><img src="${URL}${name}"></p>`;

describe('resolveCover', () => {
  it('accepts explicit covers whose image count equals the type and whose images are ours', () => {
    expect(resolveCover({ type: 0, images: [] }, '', URL)).toEqual({ type: 0, images: [] });
    expect(resolveCover({ type: 1, images: [`${URL}a`] }, '', URL)).toEqual({
      type: 1,
      images: [`${URL}a`],
    });
    expect(
      resolveCover({ type: 3, images: [`${URL}a`, `${URL}b`, `${URL}c`] }, '', URL).images,
    ).toHaveLength(3);
  });

  it.each([
    [{ type: 2, images: [`${URL}a`, `${URL}b`] }],
    [{ type: 1, images: [] }],
    [{ type: 3, images: [`${URL}a`] }],
    [{ type: 1, images: ['http://elsewhere.test/a'] }],
    [{ type: 1, images: [URL] }],
    [{ type: 1, images: [`${URL}../app/v1_0/articles/1`] }],
    [{ type: 1, images: [`${URL}a/../../b`] }],
    [{ type: 1, images: ['', `${URL}b`] }],
    [undefined],
  ])('refuses %j with "Invalid cover param."', (cover) => {
    expect(() => resolveCover(cover, '', URL)).toThrow('Invalid cover param.');
  });

  it('keeps the first `type` images and drops the rest, which the publish admin keeps from another type', () => {
    const picked = [`${URL}a`, `${URL}b`, ''];
    expect(resolveCover({ type: 0, images: picked }, '', URL)).toEqual({ type: 0, images: [] });
    expect(resolveCover({ type: 1, images: picked }, '', URL)).toEqual({
      type: 1,
      images: [`${URL}a`],
    });
    expect(resolveCover({ type: -1, images: picked }, '', URL)).toEqual({ type: 0, images: [] });
  });

  it('picks the first storage images of the content in auto mode', () => {
    expect(
      resolveCover({ type: -1, images: [] }, '<p>text</p><img src="http://elsewhere.test/x">', URL),
    ).toEqual({ type: 0, images: [] });
    expect(resolveCover({ type: -1, images: [] }, img('a') + img('b'), URL)).toEqual({
      type: 1,
      images: [`${URL}a`],
    });
    expect(
      resolveCover({ type: -1, images: [] }, img('a') + img('b') + img('c') + img('d'), URL),
    ).toEqual({
      type: 3,
      images: [`${URL}a`, `${URL}b`, `${URL}c`],
    });
  });

  it('treats the public URL literally when scanning', () => {
    expect(storageImagesIn('<img src="http://imgXtest/a">', URL)).toEqual([]);
  });
});
