import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { once } from '../../lazy.js';
import { createPdf, MissingCjkFontError, pdfToBuffer, type Pdf } from '../../pdf/pdf-document.js';
import { renderThumbnail } from './resources.thumbnails.js';
import { Readable } from 'node:stream';

const sharpLib = once(async () => (await import('sharp')).default);

/**
 * The demo library's real files: one small PDF and one PNG made in code per seed run, and a 15 KB
 * WebM (3 s of a drawn blackboard, recorded once with Chromium's MediaRecorder: no encoder in Node)
 * shipped under demo/assets (build:server copies it to dist/). Each is copied under every resource
 * that uses it, so deleting one demo resource deletes only its own copy.
 */
const DEMO_VIDEO = new URL('../../demo/assets/demo-lesson.webm', import.meta.url);

export interface DemoFile {
  bytes: Buffer;
  mime: string;
  ext: string;
  sha256: string;
  /** the image's thumbnail, rendered once like the job would */
  thumb: Buffer | null;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A one-page handout: Chinese when a CJK font is installed (as for every PDF export), English otherwise. */
async function demoPdf(): Promise<Buffer> {
  let doc: Pdf;
  let zh = true;
  try {
    doc = await createPdf({ title: '共进资源库演示文件 Gongjin demo resource' });
  } catch (e) {
    if (!(e instanceof MissingCjkFontError)) throw e;
    const PDFDocument = (await import('pdfkit')).default;
    doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: 'Gongjin demo resource' } });
    zh = false;
  }
  doc.fontSize(20).text(zh ? '共进资源库 · 演示文件' : 'Gongjin library · demo file');
  doc.moveDown();
  doc
    .fontSize(12)
    .text(
      zh
        ? '这是演示县资源库中的示例文件，用于展示预览、下载与点播统计。正式使用时，教师上传的课件、教案和练习将显示在这里。'
        : 'A sample file of the demo county library, to show preview, download and usage counts. Teachers’ courseware, lesson plans and exercises appear here.',
    );
  doc.moveDown();
  for (let i = 1; i <= 5; i++)
    doc.text(zh ? `${i}. 练习题 ${i}：______________________` : `${i}. Exercise ${i}: ____________`);
  return pdfToBuffer(doc);
}

/** A 640×360 "blackboard" with a right triangle and a circle: drawn as SVG, rasterised by sharp. */
async function demoPng(): Promise<Buffer> {
  const sharp = await sharpLib();
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#1f4d3a"/><stop offset="1" stop-color="#2f6b52"/></linearGradient></defs>
  <rect width="640" height="360" fill="url(#g)"/>
  <rect x="8" y="8" width="624" height="344" fill="none" stroke="#8b5a2b" stroke-width="10"/>
  <polygon points="80,300 80,90 360,300" fill="none" stroke="#f5f5dc" stroke-width="4"/>
  <rect x="80" y="280" width="20" height="20" fill="none" stroke="#f5f5dc" stroke-width="3"/>
  <circle cx="500" cy="170" r="90" fill="none" stroke="#ffe680" stroke-width="4"/>
  <line x1="500" y1="170" x2="590" y2="170" stroke="#ffe680" stroke-width="3"/>
</svg>`;
  return sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toBuffer();
}

export async function demoFiles(): Promise<{ pdf: DemoFile; png: DemoFile; webm: DemoFile }> {
  const [pdf, png, webm] = await Promise.all([demoPdf(), demoPng(), fs.readFile(DEMO_VIDEO)]);
  return {
    webm: { bytes: webm, mime: 'video/webm', ext: 'webm', sha256: sha256(webm), thumb: null },
    pdf: { bytes: pdf, mime: 'application/pdf', ext: 'pdf', sha256: sha256(pdf), thumb: null },
    png: {
      bytes: png,
      mime: 'image/png',
      ext: 'png',
      sha256: sha256(png),
      thumb: await renderThumbnail(Readable.from(png)),
    },
  };
}
