/**
 * The web app's install icons (src/web/public/icons/*.png), drawn from one SVG with sharp:
 * `npx tsx scripts/make-pwa-icons.ts`. The PNGs are committed; run again only to change the design.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/web/public/icons');

/** Two interlocking rings (urban and rural school, 共进) on the app's blue; `pad` leaves the maskable safe zone. */
function svg(size: number, pad: number) {
  const c = size / 2;
  const r = (size / 2 - pad) * 0.42;
  const w = r * 0.34;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  <rect width="${size}" height="${size}" rx="${pad ? 0 : size * 0.18}" fill="#1677ff"/>
  <circle cx="${c - r * 0.55}" cy="${c}" r="${r}" fill="none" stroke="#ffffff" stroke-width="${w}"/>
  <circle cx="${c + r * 0.55}" cy="${c}" r="${r}" fill="none" stroke="#ffd666" stroke-width="${w}"/>
</svg>`;
}

const icons: [string, number, number][] = [
  ['icon-192.png', 192, 0],
  ['icon-512.png', 512, 0],
  ['icon-maskable-512.png', 512, 512 * 0.1],
  ['apple-touch-icon.png', 180, 0],
];
for (const [name, size, pad] of icons) {
  await sharp(Buffer.from(svg(size, pad)))
    .png({ compressionLevel: 9 })
    .toFile(path.join(out, name));
  console.log(name);
}
