/**
 * The minutes are stored as plain markdown text (a small subset: headings, lists, paragraphs and
 * **bold**). This parser turns it into blocks that the web app renders as React text nodes and the
 * PDF writer prints; nothing is ever interpreted as HTML, so stored text cannot inject markup.
 */
export interface Inline {
  text: string;
  bold: boolean;
}
export type Block =
  | { type: 'heading'; level: 1 | 2 | 3; inlines: Inline[] }
  | { type: 'item'; ordered: boolean; marker: string; inlines: Inline[] }
  | { type: 'paragraph'; inlines: Inline[] }
  | { type: 'rule' };

export function parseInlines(text: string): Inline[] {
  const out: Inline[] = [];
  const re = /\*\*(.+?)\*\*/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), bold: false });
    out.push({ text: m[1] ?? '', bold: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), bold: false });
  return out;
}

export function parseMinutes(body: string): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ type: 'paragraph', inlines: parseInlines(para.join('\n')) });
    para = [];
  };
  for (const raw of body.split('\n')) {
    const line = raw.trimEnd();
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*•]\s+(.*)$/.exec(line);
    const ordered = /^\s*((?:\d+|[一二三四五六七八九十]+)[.、)）])\s*(.*)$/.exec(line);
    if (!line.trim()) flush();
    else if (/^\s*(-{3,}|\*{3,})\s*$/.test(line)) {
      flush();
      blocks.push({ type: 'rule' });
    } else if (heading) {
      flush();
      blocks.push({
        type: 'heading',
        level: Math.min(3, heading[1]!.length) as 1 | 2 | 3,
        inlines: parseInlines(heading[2] ?? ''),
      });
    } else if (bullet) {
      flush();
      blocks.push({ type: 'item', ordered: false, marker: '•', inlines: parseInlines(bullet[1] ?? '') });
    } else if (ordered) {
      flush();
      blocks.push({ type: 'item', ordered: true, marker: ordered[1] ?? '', inlines: parseInlines(ordered[2] ?? '') });
    } else para.push(line);
  }
  flush();
  return blocks;
}
