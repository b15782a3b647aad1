import type { Db } from '../db/connection.js';
import type { NotificationKind } from '../../shared/notifications.schemas.js';

/** Something to tell one user: kept for the bell and sent on the channels they chose for its kind. */
export interface NotifyInput {
  userId: number;
  kind: NotificationKind;
  /** what it is about: the same key for the same user never notifies twice */
  dedupeKey: string;
  title: string;
  titleEn: string;
  body: string;
  bodyEn: string;
  link?: string | null;
}

/**
 * What the notifications module offers in its manifest (`notifier`). A module that reports an outcome
 * (an import finished) finds it among the installed manifests its job is handed, so it needs no import
 * of the notifications module (which itself reads other modules for its scan).
 */
export type Notifier = (db: Db, n: NotifyInput) => Promise<number | null>;

/** The installed notifier, or one that tells nobody when no module offers it. */
export function notifierOf(modules: readonly { notifier?: Notifier }[]): Notifier {
  return modules.find((m) => m.notifier)?.notifier ?? (async () => null);
}
