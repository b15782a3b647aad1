import type { ActionItemStatus, MinutesStatus, SignerStatus } from '../../../shared/meetings.schemas';

/** Tag colours of the meeting states, shared by the pages. */
export const MINUTES_COLOR: Record<MinutesStatus | 'none', string> = {
  none: 'default',
  draft: 'blue',
  circulated: 'orange',
  locked: 'green',
};
export const SIGNER_COLOR: Record<SignerStatus, string> = {
  pending: 'orange',
  signed: 'green',
  returned: 'red',
  void: 'default',
};
export const ITEM_COLOR: Record<ActionItemStatus, string> = { open: 'blue', done: 'green', overdue: 'red' };

/** A hash shortened for tables; the full value goes in a tooltip. */
export const shortHash = (h: string | null | undefined) => (h ? `${h.slice(0, 8)}…${h.slice(-4)}` : '—');
