import { DataSource } from 'typeorm';
import { CO_LOCATION_GAPS, TABLE_PLACEMENT } from '../../src/database/distribution';
import { distributionPlan, foreignKeys } from '../../src/database/distribution-plan';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The rules a schema must follow to be distributed by customer on Citus,
 * checked on plain PostgreSQL against the migrated schema and the placements
 * in src/database/distribution.ts. Known gaps are listed there; this test fails
 * on a new one and on a listed one that is gone, so the list stays true.
 */
describe('Citus readiness of the schema', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const tables = async (): Promise<string[]> =>
    (
      await db.query<Array<{ name: string }>>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
         ORDER BY 1`,
      )
    ).map((row) => row.name);

  const columnOf = (table: string): string | null => {
    const placement = TABLE_PLACEMENT[table];
    return placement?.kind === 'distributed' ? placement.column : null;
  };

  it('places every table, and only tables that exist', async () => {
    const existing = await tables();
    expect(existing.filter((table) => !(table in TABLE_PLACEMENT))).toEqual([]);
    expect(Object.keys(TABLE_PLACEMENT).filter((table) => !existing.includes(table))).toEqual([]);
  });

  it('gives every distributed table its distribution column', async () => {
    const missing: string[] = [];
    for (const table of await tables()) {
      const column = columnOf(table);
      if (column === null) continue;
      const [{ present }] = await db.query<Array<{ present: boolean }>>(
        `SELECT EXISTS (SELECT FROM information_schema.columns
                        WHERE table_schema = 'public' AND table_name = $1 AND column_name = $2) AS present`,
        [table, column],
      );
      if (!present) missing.push(`${table}: no column ${column}`);
    }
    expect(missing).toEqual(CO_LOCATION_GAPS.filter((gap) => gap.includes(': no column ')));
  });

  it('includes the distribution column in every unique key, and co-locates every foreign key', async () => {
    const uniqueKeys: Array<{ table: string; index: string; columns: string[] }> = await db.query(
      `SELECT t.relname AS table, i.relname AS index,
              array(SELECT a.attname FROM unnest(x.indkey) k JOIN pg_attribute a
                    ON a.attrelid = t.oid AND a.attnum = k)::text[] AS columns
       FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = 'public' AND x.indisunique AND NOT t.relispartition`,
    );
    const foreignKeys: Array<{
      name: string;
      from: string;
      to: string;
      columns: string[];
      referenced: string[];
    }> = await db.query(
      `SELECT c.conname AS name, f.relname AS from, r.relname AS to,
                array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a
                      ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
                array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a
                      ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS referenced
         FROM pg_constraint c JOIN pg_class f ON f.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
         JOIN pg_namespace n ON n.oid = f.relnamespace
         WHERE n.nspname = 'public' AND c.contype = 'f' AND NOT f.relispartition`,
    );
    const gaps: string[] = [];
    for (const key of uniqueKeys) {
      const column = columnOf(key.table);
      if (column !== null && !key.columns.includes(column)) {
        gaps.push(
          `${key.table}: unique key ${key.index} (${key.columns.join(', ')}) lacks ${column}`,
        );
      }
    }
    for (const key of foreignKeys) {
      const [from, to] = [TABLE_PLACEMENT[key.from], TABLE_PLACEMENT[key.to]];
      if (from?.kind === 'reference' && to?.kind === 'distributed') {
        gaps.push(
          `${key.from}: foreign key ${key.name} points from a reference table into ${key.to}`,
        );
      }
      if (from?.kind !== 'distributed' || to?.kind !== 'distributed') continue;
      const position = key.columns.indexOf(from.column);
      if (position < 0 || key.referenced[position] !== to.column) {
        gaps.push(
          `${key.from}: foreign key ${key.name} to ${key.to} does not match ${from.column} to ${to.column}`,
        );
      }
    }
    expect(gaps.sort()).toEqual(
      CO_LOCATION_GAPS.filter((gap) => !gap.includes(': no column ')).sort(),
    );
  });

  describe('the distribution migration', () => {
    it('ran on plain PostgreSQL, where it places nothing', async () => {
      // 190 is kept for history and does nothing; 195 places the tables on Citus only.
      const applied: Array<{ name: string }> = await db.query(
        `SELECT name FROM schema_migrations
         WHERE name IN ('DistributeOnCitus1795000000190', 'DistributeOnCitus1795000000195') ORDER BY name`,
      );
      expect(applied.map((row) => row.name)).toEqual([
        'DistributeOnCitus1795000000190',
        'DistributeOnCitus1795000000195',
      ]);
      const citus: unknown[] = await db.query("SELECT 1 FROM pg_extension WHERE extname = 'citus'");
      expect(citus).toEqual([]);
    });

    it('plans one step per placed table: the call for a ready one, the reasons for one held back', async () => {
      const steps = distributionPlan(await foreignKeys(db));
      const placed = Object.keys(TABLE_PLACEMENT).filter(
        (table) => TABLE_PLACEMENT[table].kind !== 'local',
      );
      expect(steps.map((step) => step.table).sort()).toEqual(placed.sort());
      for (const { table, sql, heldBack } of steps) {
        if (sql === null) {
          expect(heldBack).not.toEqual([]);
          continue;
        }
        const placement = TABLE_PLACEMENT[table];
        expect(sql).toEqual(
          placement.kind === 'reference'
            ? `SELECT create_reference_table('${table}')`
            : expect.stringMatching(
                new RegExp(
                  `^SELECT create_distributed_table\\('${table}', '${placement.kind === 'distributed' ? placement.column : ''}', colocate_with => '\\w+'\\)$`,
                ),
              ),
        );
      }
    });

    it('places no table with a gap, and each after every table its foreign keys point to', async () => {
      const keys = await foreignKeys(db);
      const order = distributionPlan(keys)
        .filter((step) => step.sql !== null)
        .map((step) => step.table);
      const withGaps = new Set(CO_LOCATION_GAPS.map((gap) => gap.slice(0, gap.indexOf(':'))));
      expect(order.filter((table) => withGaps.has(table))).toEqual([]);
      for (const { from, to } of keys.filter((key) => order.includes(key.from))) {
        expect(order.indexOf(to)).toBeGreaterThanOrEqual(0);
        expect(order.indexOf(to)).toBeLessThan(order.indexOf(from));
      }
    });
  });
});
