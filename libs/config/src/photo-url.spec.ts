import { DEFAULT_PHOTO_KEY, photoUrl } from './photo-url';

describe('photoUrl', () => {
  it("answers the user's own key under the public URL", () => {
    expect(photoUrl('http://img.example/', 'Fabc')).toBe('http://img.example/Fabc');
  });

  it('answers the default photo for a user without one', () => {
    for (const key of ['', null, undefined]) {
      expect(photoUrl('http://img.example/', key)).toBe(`http://img.example/${DEFAULT_PHOTO_KEY}`);
    }
  });
});
