import { describe, expect, it } from 'vitest';
import { pdfText } from '../test/pdf-text.js';
import { addPageNumbers, createPdf, pdfToBuffer } from './pdf-document.js';

describe('pdf documents', () => {
  it('renders Chinese text that a text extractor reads back', async () => {
    const doc = await createPdf({ title: '测试' });
    doc.fontSize(20).text('海宁市教共体工作档案');
    doc.addPage().fontSize(12).text('同步课堂 1,110 节');
    addPageNumbers(doc);
    const text = await pdfText(await pdfToBuffer(doc));
    expect(text).toContain('海宁市教共体工作档案');
    expect(text).toContain('同步课堂 1,110 节');
    expect(text).toContain('共 2 页');
  });
});
