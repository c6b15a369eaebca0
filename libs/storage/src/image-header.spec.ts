import { IMAGE_FIXTURES } from './image-fixtures.stub';
import { type ImageDimensions, readImageHeader } from './image-header';

const jpg = IMAGE_FIXTURES.jpg;
const marker = (code: number): Buffer => Buffer.from([0xff, code]);
const at = (code: number): number => jpg.indexOf(marker(code));

/** A JPEG segment: marker, length, payload. */
function segment(code: number, payload: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(payload.length + 2);
  return Buffer.concat([marker(code), length, payload]);
}

/** The fixture with `segments` inserted right after its SOI. */
const afterSoi = (...segments: Buffer[]): Buffer =>
  Buffer.concat([jpg.subarray(0, 2), ...segments, jpg.subarray(2)]);

/** A camera's APP1: Exif, a little-endian TIFF header, IFD0 holding Orientation 6, then padding. */
function exifApp1(size: number): Buffer {
  const tiff = Buffer.alloc(size - 6);
  tiff.write('II*\0', 0, 'latin1');
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(1, 8);
  tiff.writeUInt16LE(0x0112, 10);
  tiff.writeUInt16LE(3, 12);
  tiff.writeUInt32LE(1, 14);
  tiff.writeUInt16LE(6, 18);
  return segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]));
}

describe('readImageHeader (JPEG)', () => {
  const sof = at(0xc0);
  const sofEnd = at(0xc4);
  const onePixel: ImageDimensions = { width: 1, height: 1 };

  it('reads the frame size of JPEGs as cameras, editors and browsers write them', () => {
    const jpegs: Record<string, Buffer> = {
      'canvas toBlob (JFIF, tables, baseline frame)': jpg,
      'progressive frame (SOF2)': Buffer.concat([
        jpg.subarray(0, sof),
        marker(0xc2),
        jpg.subarray(sof + 2),
      ]),
      'camera: 64 KB Exif APP1, XMP APP1, two ICC APP2, Photoshop APP13, Adobe APP14': afterSoi(
        exifApp1(65_533),
        segment(0xe1, Buffer.from(`http://ns.adobe.com/xap/1.0/\0${' '.repeat(8000)}`, 'latin1')),
        segment(
          0xe2,
          Buffer.concat([Buffer.from('ICC_PROFILE\0\x01\x02', 'latin1'), Buffer.alloc(65_000)]),
        ),
        segment(
          0xe2,
          Buffer.concat([Buffer.from('ICC_PROFILE\0\x02\x02', 'latin1'), Buffer.alloc(9000)]),
        ),
        segment(
          0xed,
          Buffer.concat([Buffer.from('Photoshop 3.0\0', 'latin1'), Buffer.alloc(20_000)]),
        ),
        segment(0xee, Buffer.from('Adobe\0\x64\0\0\0\0\x02', 'latin1')),
      ),
      // "Any marker may optionally be preceded by any number of fill bytes" (ITU T.81 B.1.1.2).
      'fill bytes before its markers': Buffer.concat([
        jpg.subarray(0, 2),
        Buffer.from([0xff, 0xff]),
        jpg.subarray(2, sof),
        Buffer.from([0xff]),
        jpg.subarray(sof),
      ]),
      'frame header right after SOI': Buffer.concat([
        jpg.subarray(0, 2),
        jpg.subarray(sof, sofEnd),
        jpg.subarray(2, sof),
        jpg.subarray(sofEnd),
      ]),
      'a short Exif APP1 (an empty TIFF header)': afterSoi(
        segment(0xe1, Buffer.from('Exif\0\0II*\0', 'latin1')),
      ),
    };
    const read = Object.entries(jpegs).flatMap(([name, bytes]) => [
      [name, 'own buffer', readImageHeader(Buffer.from(bytes), 'jpg')],
      // Sliced from a larger buffer, as Node's pool hands out small uploads.
      [
        name,
        'slice',
        readImageHeader(Buffer.concat([bytes, jpg]).subarray(0, bytes.length), 'jpg'),
      ],
    ]);
    expect(read).toEqual(
      Object.keys(jpegs).flatMap((name) => [
        [name, 'own buffer', onePixel],
        [name, 'slice', onePixel],
      ]),
    );
  });

  it('refuses a JPEG with no frame header before its scan or its end', () => {
    const withoutFrame = Buffer.concat([jpg.subarray(0, sof), jpg.subarray(sofEnd)]);
    const noMarkerAfterSignature = Buffer.concat([jpg.subarray(0, 4), Buffer.alloc(64 * 1024)]);
    const bogusLength = Buffer.concat([jpg.subarray(0, 4), Buffer.from([0, 1]), jpg.subarray(6)]);
    expect(
      [withoutFrame, noMarkerAfterSignature, bogusLength].map((bytes) =>
        readImageHeader(bytes, 'jpg'),
      ),
    ).toEqual([null, null, null]);
  });
});
