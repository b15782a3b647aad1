import type { FastifyInstance } from 'fastify';
import type { Client } from '../../test/harness.js';

/** Sample files whose magic bytes file-type recognises, padded to a given size. */
export const SAMPLES = {
  webm: (pad = 200) =>
    Buffer.concat([
      Buffer.from([
        0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0xf2, 0x81, 0x04, 0x42,
        0xf3, 0x81, 0x08, 0x42, 0x82, 0x84,
      ]),
      Buffer.from('webm'),
      Buffer.from([0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02]),
      Buffer.alloc(pad, 7),
    ]),
  mp4: (pad = 200) =>
    Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from('ftypisom'),
      Buffer.from([0, 0, 2, 0]),
      Buffer.from('isommp41'),
      Buffer.alloc(pad, 1),
    ]),
  pdf: () => Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
  png: () => Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'),
};

export function putChunk(app: FastifyInstance, c: Client, uploadId: string, offset: number, body: Buffer) {
  return app.inject({
    method: 'PUT',
    url: `/api/v1/resource-uploads/${uploadId}/chunks?offset=${offset}`,
    headers: { cookie: c.cookie, 'content-type': 'application/octet-stream' },
    payload: body,
  });
}

/** Uploads `bytes` in chunks and completes the upload; returns the upload id. */
export async function uploadFile(
  app: FastifyInstance,
  c: Client,
  fileName: string,
  mimeType: string,
  bytes: Buffer,
  chunk = 64,
): Promise<string> {
  const created = await c.post('/api/v1/resource-uploads', { fileName, mimeType, size: bytes.length });
  if (created.statusCode !== 201) throw new Error(`upload create ${created.statusCode} ${created.body}`);
  const id = created.json().id as string;
  for (let offset = 0; offset < bytes.length; offset += chunk) {
    const res = await putChunk(app, c, id, offset, bytes.subarray(offset, offset + chunk));
    if (res.statusCode !== 200) throw new Error(`chunk ${offset} ${res.statusCode} ${res.body}`);
  }
  const done = await c.post(`/api/v1/resource-uploads/${id}/complete`);
  if (done.statusCode !== 200) throw new Error(`complete ${done.statusCode} ${done.body}`);
  return id;
}

export const resourceBody = (o: Record<string, unknown>) => ({
  title: '资源',
  kind: 'courseware',
  subject: 'math',
  grade: 7,
  tags: [],
  visibility: 'community',
  ...o,
});
