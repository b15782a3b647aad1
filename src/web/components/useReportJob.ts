import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReportJob } from '../../shared/reports.schemas';
import { errorText, type QueryParams } from '../api/client';
import { createReport, reportDownloadUrl, useReport } from '../api/reports';

/** Starts the browser's download of a finished report (the server sends it as an attachment). */
export function downloadReport(id: string) {
  const a = document.createElement('a');
  a.href = reportDownloadUrl(id);
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export interface ReportJobState {
  /** asks the server for the report (again, if one ran before) */
  start: () => Promise<void>;
  /** the report as last polled; null before start */
  job: ReportJob | null;
  /** true from the click until done or failed */
  busy: boolean;
  /** why it could not start or failed, in the UI language */
  error: string | null;
  reset: () => void;
}

/**
 * A background report (server module `reports`): POSTs it, polls its progress every second, and
 * starts the download once when it is done.
 */
export function useReportJob(kind: string, params: QueryParams): ReportJobState {
  const [id, setId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const downloaded = useRef<string | null>(null);
  const { data } = useReport(id);
  const job = id && data?.id === id ? data : null;

  useEffect(() => {
    if (job?.status === 'done' && downloaded.current !== job.id) {
      downloaded.current = job.id;
      downloadReport(job.id);
    }
  }, [job?.status, job?.id]);

  const start = useCallback(async () => {
    setStarting(true);
    setStartError(null);
    setId(null);
    try {
      setId((await createReport(kind, params)).id);
    } catch (e) {
      setStartError(errorText(e));
    } finally {
      setStarting(false);
    }
  }, [kind, params]);

  const reset = useCallback(() => {
    setId(null);
    setStartError(null);
  }, []);

  return {
    start,
    job,
    busy: starting || (!!id && (!job || job.status === 'queued' || job.status === 'running')),
    error: startError ?? (job?.status === 'failed' ? (job.message ?? '') : null),
    reset,
  };
}
