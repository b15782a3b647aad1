import fs from 'node:fs';
import { once } from '../lazy.js';

// loaded on first use: a server that never prints a PDF should not pay for pdfkit at start-up
const pdfkit = once(async () => (await import('pdfkit')).default);

/**
 * PDF output for archives, minutes and reports. Chinese needs a CJK font: Debian's fonts-noto-cjk
 * (installed by .ci/run) by default, or GONGJIN_CJK_FONT pointing at any .ttf/.otf/.ttc.
 */
const CANDIDATES: { file: string; family?: string }[] = [
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { file: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', family: 'NotoSerifCJKsc-Regular' },
  { file: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' },
  { file: '/usr/share/fonts/truetype/arphic/uming.ttc', family: 'AR PL UMing CN' },
];
const BOLD: Record<string, { file: string; family: string }> = {
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc': {
    file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
    family: 'NotoSansCJKsc-Bold',
  },
};

export class MissingCjkFontError extends Error {
  constructor() {
    super('No CJK font found: install fonts-noto-cjk (apt-get install -y fonts-noto-cjk) or set GONGJIN_CJK_FONT');
  }
}

export function findCjkFont(): { file: string; family?: string | undefined } {
  const configured = process.env.GONGJIN_CJK_FONT;
  if (configured && fs.existsSync(configured)) return { file: configured, family: process.env.GONGJIN_CJK_FONT_FAMILY };
  const found = CANDIDATES.find((c) => fs.existsSync(c.file));
  if (!found) throw new MissingCjkFontError();
  return found;
}

export type Pdf = PDFKit.PDFDocument;

/** A4 document with the CJK font registered as 'cjk' (and 'cjk-bold' when available) and selected. */
export async function createPdf(info: { title: string; author?: string }): Promise<Pdf> {
  const font = findCjkFont();
  const PDFDocument = await pdfkit();
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: info.title, Author: info.author ?? 'Gongjin 共进' },
    bufferPages: true,
  });
  doc.registerFont('cjk', font.file, font.family);
  const bold = BOLD[font.file];
  doc.registerFont(
    'cjk-bold',
    bold && fs.existsSync(bold.file) ? bold.file : font.file,
    bold && fs.existsSync(bold.file) ? bold.family : font.family,
  );
  doc.font('cjk');
  return doc;
}

/** Ends the document and collects it into one buffer. */
export function pdfToBuffer(doc: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

/** Page numbers "第 n 页 / 共 m 页" in the footer of every page (needs bufferPages). */
export function addPageNumbers(doc: Pdf) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('cjk')
      .fontSize(9)
      .fillColor('#888')
      .text(`第 ${i + 1} 页 / 共 ${range.count} 页`, 0, doc.page.height - 36, {
        align: 'center',
        width: doc.page.width,
      });
    doc.page.margins.bottom = bottom;
  }
  doc.fillColor('black');
}
