/**
 * Draws the Strata app icon (three stacked layers on a dark rounded square) and writes
 * assets/icons/icon.png, 512x512 RGBA. No dependencies: a tiny rasteriser with 4x4 supersampling
 * and a PNG encoder over node:zlib. electron-builder derives the .icns/.ico from this PNG.
 *
 *   node assets/icons/make-icon.ts [out.png]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 512;
const SAMPLES = 4;

type Rgb = readonly [number, number, number];

/** Signed distance to a rounded rectangle centred at (cx, cy); negative inside. */
function roundedRect(x: number, y: number, cx: number, cy: number, hw: number, hh: number, r: number): number {
  const qx = Math.abs(x - cx) - (hw - r);
  const qy = Math.abs(y - cy) - (hh - r);
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - r;
}

function hex(c: string): Rgb {
  const n = Number.parseInt(c.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const BACKGROUND_TOP = hex('#1b2433');
const BACKGROUND_BOTTOM = hex('#0b0e14');
const LAYERS: readonly { cy: number; hw: number; color: Rgb }[] = [
  { cy: 168, hw: 150, color: hex('#2dd4bf') },
  { cy: 256, hw: 178, color: hex('#60a5fa') },
  { cy: 344, hw: 130, color: hex('#f59e0b') },
];

/** Colour and coverage of one sample point. */
function sample(x: number, y: number): [Rgb, number] {
  if (roundedRect(x, y, 256, 256, 240, 240, 104) > 0) return [BACKGROUND_BOTTOM, 0];
  for (const layer of LAYERS) {
    // Each layer is slightly slanted, like a rock stratum.
    const skewed = x + (y - layer.cy) * 0.35;
    if (roundedRect(skewed, y, 256, layer.cy, layer.hw, 30, 30) <= 0) return [layer.color, 1];
  }
  const t = y / SIZE;
  const bg: Rgb = [0, 1, 2].map((i) => Math.round(BACKGROUND_TOP[i]! * (1 - t) + BACKGROUND_BOTTOM[i]! * t)) as unknown as Rgb;
  return [bg, 1];
}

export function renderIcon(): Buffer {
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const [c, cover] = sample(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
          r += c[0] * cover;
          g += c[1] * cover;
          b += c[2] * cover;
          a += cover;
        }
      }
      const o = (py * SIZE + px) * 4;
      if (a > 0) {
        rgba[o] = Math.round(r / a);
        rgba[o + 1] = Math.round(g / a);
        rgba[o + 2] = Math.round(b / a);
      }
      rgba[o + 3] = Math.round((a / (SAMPLES * SAMPLES)) * 255);
    }
  }
  return encodePng(rgba, SIZE, SIZE);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export function encodePng(rgba: Buffer, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const rows = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    rows[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = process.argv[2] ?? path.join(import.meta.dirname, 'icon.png');
writeFileSync(out, renderIcon());
console.log(`wrote ${out} (${SIZE}x${SIZE})`);
