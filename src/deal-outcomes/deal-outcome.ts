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
 * Where an incremental read stopped: the last record's modification time and
 * id. Readers answer the records after it in (modified, id) order. An empty
 * `lastId` reads the whole instant `modifiedSince` again (inclusive bound): a
 * record changed later in that instant may sort before the last one read.
 */
export interface OutcomeCursor {
  modifiedSince: Date;
  lastId: string;
  /**
   * Within one run only (never stored): the ids already read at
   * `modifiedSince`. A CRM with coarse modification times (whole seconds on
   * Salesforce) reads that instant again without them, so a record changed
   * later in that instant is read even when its id sorts before `lastId`.
   */
  readAtInstant?: readonly string[];
}

/** The read-back order: by modification time, then by id (HubSpot ids compared as numbers). */
export function compareOutcomes(a: DealOutcome, b: DealOutcome): number {
  const t = a.modifiedAt.getTime() - b.modifiedAt.getTime();
  return t !== 0 ? t : compareIds(a.crmId, b.crmId);
}

function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}
