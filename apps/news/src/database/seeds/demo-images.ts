import { crc32, deflateSync } from 'node:zlib';

/** Size of a demo cover: the 3:2 of the app's article cards. */
export const DEMO_IMAGE_WIDTH = 360;
export const DEMO_IMAGE_HEIGHT = 240;

/** Pictures per channel: a one-image cover uses one of them, a three-image cover all of them. */
export const DEMO_IMAGES_PER_CHANNEL = 3;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

type Rgb = readonly [number, number, number];

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** An 8-bit RGB PNG of `width` × `height` whose pixel at (x, y) is `pixel(x, y)`. */
export function encodePng(
  width: number,
  height: number,
  pixel: (x: number, y: number) => Rgb,
): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, truecolour, deflate, no filter, no interlace
  const stride = 1 + width * 3;
  const raw = Buffer.alloc(stride * height); // each row starts with filter type 0 (none)
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) raw.set(pixel(x, y), y * stride + 1 + x * 3);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number): number => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}

function mix(from: Rgb, to: Rgb, t: number): Rgb {
  const at = (i: number): number => Math.round(from[i] + (to[i] - from[i]) * t);
  return [at(0), at(1), at(2)];
}

/**
 * Picture `variant` of a channel: a vertical gradient in the channel's own hue with a lighter
 * band, placed by the variant, so the three pictures of a channel differ and channels differ
 * in colour. Same arguments, same bytes (so the same storage key on every load).
 */
export function demoImage(channelId: number, channelCount: number, variant: number): Buffer {
  const hue = ((channelId - 1) * 360) / channelCount;
  const top = hslToRgb(hue, 0.55, 0.38 + variant * 0.06);
  const bottom = hslToRgb(hue, 0.55, 0.62 + variant * 0.04);
  const band = hslToRgb(hue, 0.35, 0.9);
  const bandTop = Math.round(DEMO_IMAGE_HEIGHT * (0.2 + variant * 0.25));
  const bandBottom = bandTop + Math.round(DEMO_IMAGE_HEIGHT / 8);
  const rows: Rgb[] = [];
  for (let y = 0; y < DEMO_IMAGE_HEIGHT; y += 1) {
    const t = y / (DEMO_IMAGE_HEIGHT - 1);
    rows.push(y >= bandTop && y < bandBottom ? band : mix(top, bottom, t));
  }
  return encodePng(DEMO_IMAGE_WIDTH, DEMO_IMAGE_HEIGHT, (_x, y) => rows[y]);
}
