import dayjs, { type Dayjs } from 'dayjs';
import { shanghaiDateTime, shanghaiInstant } from '../../shared/beijing-time';

/** DatePicker value → 'YYYY-MM-DD' (what the API takes), and back. */
export const toIsoDate = (d: Dayjs | null | undefined): string | null => (d ? d.format('YYYY-MM-DD') : null);
export const fromIsoDate = (s: string | null | undefined): Dayjs | undefined => (s ? dayjs(s) : undefined);

/**
 * A date-and-time picker's value is Beijing wall-clock time, whatever the device's zone: the text
 * shown is read as Beijing time when sent, and an instant from the API is shown on the Beijing clock.
 */
export const toBeijingInstant = (d: Dayjs): string => shanghaiInstant(d.format('YYYY-MM-DD'), d.format('HH:mm'));
// ISO text without a zone is read on the device's clock, which shows the Beijing figures unchanged
export const fromBeijingInstant = (instant: string): Dayjs => dayjs(shanghaiDateTime(instant).replace(' ', 'T'));
