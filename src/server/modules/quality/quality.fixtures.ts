import type { Client } from '../../test/harness.js';
import type { QualityJob } from '../../../shared/quality.schemas.js';

/** Test helpers for the quality API: multipart uploads and waiting for background jobs. */
export function multipart(fileName: string, content: string | Buffer) {
  const boundary = `----gongjin${Math.random().toString(16).slice(2)}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    typeof content === 'string' ? Buffer.from(content) : content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export async function upload(
  client: Client,
  examId: number,
  fileName: string,
  content: string | Buffer,
  level: 'student' | 'item' = 'student',
) {
  const m = multipart(fileName, content);
  return client.app.inject({
    method: 'POST',
    url: `/api/v1/quality/exams/${examId}/imports?level=${level}`,
    headers: { cookie: client.cookie, ...m.headers },
    payload: m.body,
  });
}

/** Polls the job until it leaves the running states. */
export async function settle(client: Client, jobId: string, timeoutMs = 60_000): Promise<QualityJob> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await client.get(`/api/v1/quality/imports/${jobId}`);
    const job = res.json() as QualityJob;
    if (job.status !== 'checking' && job.status !== 'committing') return job;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Upload, check, commit; returns the final job. */
export async function importCsv(
  client: Client,
  examId: number,
  csv: string,
  level: 'student' | 'item' = 'student',
): Promise<QualityJob> {
  const res = await upload(client, examId, 'scores.csv', csv, level);
  if (res.statusCode !== 202) throw new Error(`upload ${res.statusCode} ${res.body}`);
  const checked = await settle(client, (res.json() as QualityJob).id);
  if (checked.status !== 'checked') return checked;
  const c = await client.post(`/api/v1/quality/imports/${checked.id}/commit`);
  if (c.statusCode !== 202) throw new Error(`commit ${c.statusCode} ${c.body}`);
  return settle(client, checked.id);
}

export const mathExam = (schoolIds: number[], o: Record<string, unknown> = {}) => ({
  name: '2025学年第一学期六年级期末质量检测',
  examDate: '2026-01-20',
  schoolYear: 2025,
  term: 1,
  grade: 6,
  subjects: [{ subject: 'math', fullMark: 100, passLine: 60, excellentLine: 85, lowLine: 40, items: [] }],
  schoolIds,
  ...o,
});
