/**
 * What the Citus migration (migrations/1795000000190-distribute-on-citus.ts)
 * runs: one step per table placed on the cluster (TABLE_PLACEMENT, local tables
 * aside), either the call that places it or, for a table not ready, why it is
 * held back. A table is ready when it has no co-location gap (CO_LOCATION_GAPS)
 * and every foreign key it holds points to a ready table Citus accepts as its
 * target (a reference table, or a distributed one of the same co-location
 * group): distributing it alone would make create_distributed_table refuse.
 */
import { Queryable } from './transaction';
import { CO_LOCATION_GAPS, Placement, TABLE_PLACEMENT } from './distribution';

export interface ForeignKey {
  from: string;
  to: string;
}

export interface DistributionStep {
  table: string;
  /** The call placing the table; null when it is held back. */
  sql: string | null;
  /** Why a held-back table waits: its gaps, or the tables its foreign keys need first. */
  heldBack: string[];
}

/** The foreign keys between tables of the public schema. */
export async function foreignKeys(db: Queryable): Promise<ForeignKey[]> {
  return db.query(
    // partitions carry copies of their parent's keys: the parents are what Citus places
    `SELECT DISTINCT f.relname AS "from", r.relname AS "to"
     FROM pg_constraint c JOIN pg_class f ON f.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
     JOIN pg_namespace n ON n.oid = f.relnamespace
     WHERE c.contype = 'f' AND n.nspname = 'public' AND c.conrelid <> c.confrelid
       AND NOT f.relispartition AND NOT r.relispartition
     ORDER BY 1, 2`,
  );
}

/** Tables sharing a customer live together: the customer group, whatever the column is called in each. */
function colocationGroup(table: string, placement: Placement): string | null {
  if (placement.kind !== 'distributed') return null;
  return placement.column === 'customer_id' || table === 'customers' ? 'customer' : table;
}

/** Whether Citus accepts a foreign key from `from` to `to`, both placed. */
function acceptsForeignKey(from: string, to: string): boolean {
  const target = TABLE_PLACEMENT[to];
  if (target?.kind === 'reference') return true;
  if (target?.kind !== 'distributed') return false;
  const source = TABLE_PLACEMENT[from];
  return colocationGroup(from, source) === colocationGroup(to, target);
}

export function distributionPlan(keys: readonly ForeignKey[]): DistributionStep[] {
  const placed = Object.keys(TABLE_PLACEMENT)
    .filter((table) => TABLE_PLACEMENT[table].kind !== 'local')
    .sort();
  const reasons = new Map<string, string[]>(placed.map((table) => [table, []]));
  for (const gap of CO_LOCATION_GAPS) reasons.get(gap.slice(0, gap.indexOf(':')))?.push(gap);
  const ready = new Set(placed.filter((table) => reasons.get(table)?.length === 0));
  // A table waits for the tables its keys point to: repeat until nothing more drops out.
  for (let changed = true; changed;) {
    changed = false;
    for (const { from, to } of keys) {
      if (!ready.has(from) || (ready.has(to) && acceptsForeignKey(from, to))) continue;
      ready.delete(from);
      reasons.get(from)?.push(`foreign key to ${to}, which is not placed with it`);
      changed = true;
    }
  }

  // Reference tables first; every table after the tables its keys point to.
  const ordered: string[] = [];
  const waiting = [...ready].sort(
    (a, b) =>
      Number(TABLE_PLACEMENT[a].kind !== 'reference') -
        Number(TABLE_PLACEMENT[b].kind !== 'reference') || a.localeCompare(b),
  );
  while (waiting.length > 0) {
    const next = waiting.findIndex((table) =>
      keys.every(({ from, to }) => from !== table || ordered.includes(to)),
    );
    ordered.push(waiting.splice(Math.max(next, 0), 1)[0]);
  }
  // The first table of each co-location group anchors it; the others co-locate with it.
  const anchors = new Map<string, string>();
  const steps: DistributionStep[] = ordered.map((table) => {
    const placement = TABLE_PLACEMENT[table];
    if (placement.kind !== 'distributed') {
      return { table, sql: `SELECT create_reference_table('${table}')`, heldBack: [] };
    }
    const group = colocationGroup(table, placement) as string;
    const anchor = anchors.get(group) ?? 'none';
    if (!anchors.has(group)) anchors.set(group, table);
    return {
      table,
      sql: `SELECT create_distributed_table('${table}', '${placement.column}', colocate_with => '${anchor}')`,
      heldBack: [],
    };
  });
  for (const table of placed.filter((name) => !ready.has(name))) {
    steps.push({ table, sql: null, heldBack: reasons.get(table) ?? [] });
  }
  return steps;
}
