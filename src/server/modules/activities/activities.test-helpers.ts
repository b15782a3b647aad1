import sharp from 'sharp';
import type { Client } from '../../test/harness.js';
import { buildCommunity, buildSchool, buildTeacher } from '../../test/factories.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/** A multipart/form-data body with one file, for app.inject. */
export function multipart(fileName: string, data: Buffer, contentType = 'application/octet-stream') {
  const boundary = `----gongjin${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${encodeURIComponent(fileName) === fileName ? fileName : fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, data, tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

export async function upload(client: Client, url: string, fileName: string, data: Buffer) {
  const m = multipart(fileName, data);
  return client.app.inject({
    method: 'POST',
    url,
    payload: m.payload,
    headers: { ...m.headers, cookie: client.cookie },
  });
}

export const photo = (w = 64, h = 48) =>
  sharp({ create: { width: w, height: h, channels: 3, background: '#3a7' } })
    .jpeg()
    .toBuffer();
export const pdfBytes = () => Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** A core school, two member schools, a third school in another community, and staff. */
export async function buildAlliance(db: Kysely<Database>) {
  const core = await buildSchool(db, { name: '海宁市实验小学', location_class: 'urban' });
  const m1 = await buildSchool(db, { name: '周王庙镇中心小学', location_class: 'rural', quality_tier: 'weak' });
  const m2 = await buildSchool(db, { name: '丁桥镇中心小学', location_class: 'town', quality_tier: 'potential' });
  const other = await buildSchool(db, { name: '外共同体小学' });
  const community = await buildCommunity(
    db,
    [
      { schoolId: core.id, role: 'core' },
      { schoolId: m1.id, role: 'member' },
      { schoolId: m2.id, role: 'member' },
    ],
    { name: '实验小学教共体' },
  );
  const otherCommunity = await buildCommunity(db, [{ schoolId: other.id, role: 'core' }], { name: '另一个教共体' });
  const host = await buildTeacher(db, core.id, { name: '王芳', subjects: ['math'] });
  const host2 = await buildTeacher(db, core.id, { name: '李强', subjects: ['math'] });
  const ruralTeacher = await buildTeacher(db, m1.id, { name: '张敏', subjects: ['math'] });
  const outsider = await buildTeacher(db, other.id, { name: '外校教师' });
  return { core, m1, m2, other, community, otherCommunity, host, host2, ruralTeacher, outsider };
}
