import { IMAGE_FIXTURES } from './image-fixtures.stub';
import { detectImageType, imageTypeOf } from './image-type';

describe('detectImageType', () => {
  it('recognises jpeg, png, gif and webp by their magic bytes', () => {
    expect(detectImageType(IMAGE_FIXTURES.jpg)).toBe('jpg');
    expect(detectImageType(IMAGE_FIXTURES.png)).toBe('png');
    expect(detectImageType(IMAGE_FIXTURES.gif)).toBe('gif');
    expect(detectImageType(Buffer.from('GIF87a', 'latin1'))).toBe('gif');
    expect(detectImageType(IMAGE_FIXTURES.webp)).toBe('webp');
  });

  it('rejects other content, truncated headers and RIFF files that are not webp', () => {
    expect(detectImageType(IMAGE_FIXTURES.text)).toBeNull();
    expect(detectImageType(Buffer.alloc(0))).toBeNull();
    expect(detectImageType(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(detectImageType(IMAGE_FIXTURES.png.subarray(0, 7))).toBeNull();
    expect(detectImageType(Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1'))).toBeNull();
    expect(detectImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
  });

  it('maps content types back to image types', () => {
    expect(imageTypeOf('image/jpeg')).toBe('jpg');
    expect(imageTypeOf('image/webp')).toBe('webp');
    expect(imageTypeOf('text/html')).toBeNull();
  });
});
