#!/usr/bin/env node
// Draws the app icon (a white padlock on a blue tile) as SVG and as the PNG
// sizes the web app manifest lists, into public/icons/:
//
//   node scripts/make-icons.mjs           write the icons
//   node scripts/make-icons.mjs --check   exit 1 when a committed icon differs
//
// The PNGs are rasterised here from the same shapes as the SVG, with 4x4
// supersampling, so no image tool is needed. --check compares pixels, not
// bytes, because the compressed bytes depend on the zlib version.
// Node.js standard library only.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const scriptDir = path.dirname(fileURLToPath(import.meta.url));
export const ICONS_DIR = path.resolve(scriptDir, '..', 'public', 'icons');

// Drawing units: a 512 x 512 tile.
const TILE = 512;
const TILE_CORNER_RADIUS = 96;
const BACKGROUND = [0x1b, 0x4f, 0x72];
const FOREGROUND = [0xff, 0xff, 0xff];

// The padlock, centred on the tile.
const BODY = { left: 136, top: 232, right: 376, bottom: 416, radius: 28 };
const SHACKLE = { cx: 256, cy: 232, outer: 92, inner: 56, legBottom: 250 };
const KEYHOLE = { cx: 256, cy: 308, radius: 26, slotHalfWidth: 12, slotBottom: 370 };

// Maskable icons may be cropped to a circle of 80% of their size, so the
// padlock is drawn smaller on a full square tile.
const MASKABLE_SCALE = 0.8;

/** The icon files: name, pixel size and whether the tile is a full square. */
export const PNG_ICONS = Object.freeze([
  { name: 'icon-192.png', size: 192, maskable: false },
  { name: 'icon-512.png', size: 512, maskable: false },
  { name: 'icon-maskable-512.png', size: 512, maskable: true },
]);

export function svgIcon() {
  const s = SHACKLE;
  const k = KEYHOLE;
  const b = BODY;
  const shackle = [
    `M ${s.cx - s.outer} ${s.legBottom}`,
    `V ${s.cy}`,
    `A ${s.outer} ${s.outer} 0 0 1 ${s.cx + s.outer} ${s.cy}`,
    `V ${s.legBottom}`,
    `H ${s.cx + s.inner}`,
    `V ${s.cy}`,
    `A ${s.inner} ${s.inner} 0 0 0 ${s.cx - s.inner} ${s.cy}`,
    `V ${s.legBottom}`,
    'Z',
  ].join(' ');
  const hex = (rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${TILE} ${TILE}" width="${TILE}" height="${TILE}">
  <title>APM Lambda secrets wizard</title>
  <rect width="${TILE}" height="${TILE}" rx="${TILE_CORNER_RADIUS}" fill="${hex(BACKGROUND)}"/>
  <path d="${shackle}" fill="${hex(FOREGROUND)}"/>
  <rect x="${b.left}" y="${b.top}" width="${b.right - b.left}" height="${b.bottom - b.top}" rx="${b.radius}" fill="${hex(FOREGROUND)}"/>
  <circle cx="${k.cx}" cy="${k.cy}" r="${k.radius}" fill="${hex(BACKGROUND)}"/>
  <rect x="${k.cx - k.slotHalfWidth}" y="${k.cy}" width="${2 * k.slotHalfWidth}" height="${k.slotBottom - k.cy}" fill="${hex(BACKGROUND)}"/>
</svg>
`;
}

function insideRoundedRect(x, y, left, top, right, bottom, radius) {
  if (x < left || x > right || y < top || y > bottom) return false;
  const cx = Math.min(Math.max(x, left + radius), right - radius);
  const cy = Math.min(Math.max(y, top + radius), bottom - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function insidePadlock(x, y) {
  const s = SHACKLE;
  const k = KEYHOLE;
  const b = BODY;
  const distance = Math.hypot(x - s.cx, y - s.cy);
  const inShackle =
    (y <= s.cy && distance >= s.inner && distance <= s.outer) ||
    (y >= s.cy && y <= s.legBottom && Math.abs(x - s.cx) >= s.inner && Math.abs(x - s.cx) <= s.outer);
  const inBody = insideRoundedRect(x, y, b.left, b.top, b.right, b.bottom, b.radius);
  const inKeyhole =
    Math.hypot(x - k.cx, y - k.cy) <= k.radius ||
    (Math.abs(x - k.cx) <= k.slotHalfWidth && y >= k.cy && y <= k.slotBottom);
  return inShackle || (inBody && !inKeyhole);
}

/** Rasterises the icon into RGBA pixels, `size` x `size`. */
export function rasterise(size, maskable) {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  const scale = TILE / size;
  const centre = TILE / 2;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let tile = 0;
      let lock = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) * scale;
          const y = (py + (sy + 0.5) / samples) * scale;
          const inTile = maskable || insideRoundedRect(x, y, 0, 0, TILE, TILE, TILE_CORNER_RADIUS);
          if (!inTile) continue;
          tile++;
          const lx = maskable ? centre + (x - centre) / MASKABLE_SCALE : x;
          const ly = maskable ? centre + (y - centre) / MASKABLE_SCALE : y;
          if (insidePadlock(lx, ly)) lock++;
        }
      }
      const offset = (py * size + px) * 4;
      const share = tile === 0 ? 0 : lock / tile;
      for (let c = 0; c < 3; c++) {
        pixels[offset + c] = Math.round(BACKGROUND[c] + (FOREGROUND[c] - BACKGROUND[c]) * share);
      }
      pixels[offset + 3] = Math.round((255 * tile) / (samples * samples));
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

// PNG scanlines: each row starts with filter type 0 (none).
function scanlines(pixels, size) {
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return rows;
}

/** Encodes RGBA pixels as a PNG file (8-bit RGBA, no interlacing). */
export function encodePng(pixels, size) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(scanlines(pixels, size), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Returns the scanlines of a PNG written by encodePng, for comparing pixels. */
export function decodePngScanlines(png) {
  const parts = [];
  let offset = 8;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    if (type === 'IDAT') parts.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  return zlib.inflateSync(Buffer.concat(parts));
}

/** Returns the names of the committed icons that differ from what this script draws. */
export function staleIcons(dir = ICONS_DIR) {
  const stale = [];
  const svgPath = path.join(dir, 'icon.svg');
  if (!existsSync(svgPath) || readFileSync(svgPath, 'utf8') !== svgIcon()) stale.push('icon.svg');
  for (const icon of PNG_ICONS) {
    const file = path.join(dir, icon.name);
    const expected = scanlines(rasterise(icon.size, icon.maskable), icon.size);
    if (!existsSync(file) || !decodePngScanlines(readFileSync(file)).equals(expected)) stale.push(icon.name);
  }
  return stale;
}

export function writeIcons(dir = ICONS_DIR) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'icon.svg'), svgIcon());
  for (const icon of PNG_ICONS) {
    writeFileSync(path.join(dir, icon.name), encodePng(rasterise(icon.size, icon.maskable), icon.size));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = staleIcons();
    if (stale.length > 0) {
      console.error(`make-icons: ${stale.join(', ')} in public/icons differ from the drawing; run: node scripts/make-icons.mjs`);
      process.exit(1);
    }
    console.log('make-icons: public/icons matches the drawing');
  } else {
    writeIcons();
    console.log(`make-icons: wrote icon.svg and ${PNG_ICONS.map((icon) => icon.name).join(', ')} to public/icons`);
  }
}
