/**
 * A deal outcome as the CRM read-back stores it, and the cursor of that read.
 * Owned here (not in crm/) so reporting modules depend on it without
 * depending on the CRM sync.
 */
/** A deal/opportunity we opened, as sales left it in the CRM. */
export interface DealOutcome {
  /** Our key, `${customerId}:${reason}`. */
  key: string;
  crmId: string;
  stage: string;
  outcome: 'open' | 'won' | 'lost';
  /** A decimal string; null when the CRM holds none. */
  amount: string | null;
  /** Null when the CRM has a single (the org's) currency. */
  currency: string | null;
  createdAt: Date;
  modifiedAt: Date;
}

/**
 * Where an incremental read stopped: the last record's modification time and,
 * only while paging inside one instant full of changes, its id. An empty
 * `lastId` reads the whole instant `modifiedSince` again (inclusive bound): a
 * record changed later in that instant may sort before the last one read.
 */
export interface OutcomeCursor {
  modifiedSince: Date;
  lastId: string;
}

/** Whether a record comes after the cursor in (modified, id) order (`''` precedes every id). */
export function isAfter(cursor: OutcomeCursor | null, modifiedAt: Date, id: string): boolean {
  if (!cursor) return true;
  const t = modifiedAt.getTime() - cursor.modifiedSince.getTime();
  return t > 0 || (t === 0 && compareIds(id, cursor.lastId) > 0);
}

/** HubSpot ids are numbers (compared as such), Salesforce ids text. */
function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}
