import { encodePng, type Rgb } from '@app/storage';

/** Size of a demo cover: the 3:2 of the app's article cards. */
export const DEMO_IMAGE_WIDTH = 360;
export const DEMO_IMAGE_HEIGHT = 240;

/** Pictures per channel: a one-image cover uses one of them, a three-image cover all of them. */
export const DEMO_IMAGES_PER_CHANNEL = 3;

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
