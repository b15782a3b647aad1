import dayjs, { type Dayjs } from 'dayjs';

/** DatePicker value → 'YYYY-MM-DD' (what the API takes), and back. */
export const toIsoDate = (d: Dayjs | null | undefined): string | null => (d ? d.format('YYYY-MM-DD') : null);
export const fromIsoDate = (s: string | null | undefined): Dayjs | undefined => (s ? dayjs(s) : undefined);
