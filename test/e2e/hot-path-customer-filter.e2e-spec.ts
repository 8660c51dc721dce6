import { loadModule } from 'libpg-query';
import { AlertsEvaluator } from '../../src/alerts/alerts-evaluator.service';
import { QuotaHitsService } from '../../src/entitlements/quota-hits.service';
import { HOT_PATH_GAPS } from '../../src/database/distribution';
import { SUBSCRIPTIONS_TO_BILL } from '../../src/invoicing/billing-subscriptions.repository';
import { DRAFTS_ENDED_BY } from '../../src/invoicing/invoice.repository';
import { recordUsage, runBilling } from '../support/billing';
import { unfilteredTables } from '../support/customer-filter';
import { createSubscribedCustomer } from '../support/factories';
import { statementsDuring } from '../support/statements';
import { startTestApp } from '../support/test-app';

/**
 * A billing run's keyset scans over every customer (its subscriptions, then
 * drafts left by other processes), once per batch of hundreds: a run bills all
 * customers, so on Citus these go to every node by design. The work they feed
 * is what must stay on one customer's node.
 */
const RUN_SCANS = new Set([SUBSCRIPTIONS_TO_BILL, DRAFTS_ENDED_BY]);

/**
 * The statements of the hot paths (ingestion, the upcoming-invoice preview, a
 * billing run), as the service sends them to PostgreSQL, each filtered by the
 * distribution column of every distributed table it touches, so each runs on
 * one Citus node. Known exceptions are HOT_PATH_GAPS; this test fails on a new
 * one and on a listed one that is gone.
 */
describe('hot-path statements filter by customer', () => {
  beforeAll(async () => {
    await loadModule();
  });

  it('tells a filtered statement from one that is not', () => {
    expect(
      unfilteredTables(
        'SELECT * FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id WHERE i.customer_id = $1',
      ),
    ).toEqual(['invoice_lines']);
    expect(
      unfilteredTables(
        'SELECT * FROM usage_hourly_rollups r WHERE r.customer_id = ANY($1::uuid[]) AND r.meter_id = $2',
      ),
    ).toEqual([]);
    expect(unfilteredTables('INSERT INTO alerts (customer_id, level) VALUES ($1, $2)')).toEqual([]);
    expect(unfilteredTables("UPDATE invoices SET status = 'void' WHERE id = $1")).toEqual([
      'invoices',
    ]);
    // A join on the customer routes a table only when the other side is routed itself.
    expect(
      unfilteredTables(
        `SELECT c.id, (SELECT count(*) FROM subscriptions s WHERE s.customer_id = c.id)
         FROM customers c WHERE c.external_id = ANY($1::text[])`,
      ),
    ).toEqual(['customers', 'subscriptions']);
    expect(
      unfilteredTables(
        `SELECT c.id, (SELECT count(*) FROM subscriptions s WHERE s.customer_id = c.id)
         FROM customers c WHERE c.id = ANY($1::uuid[])`,
      ),
    ).toEqual([]);
    // … through a chain of joins, whatever their order in the text.
    expect(
      unfilteredTables(
        `SELECT * FROM invoice_lines l
         JOIN invoices i ON l.customer_id = i.customer_id AND l.invoice_id = i.id
         JOIN subscriptions s ON s.customer_id = i.customer_id AND s.id = i.subscription_id
         WHERE s.customer_id IN ($1, '5a3c7e0e-8f1b-4c55-9d2b-6f0e2a1c9b44') AND s.id = $2`,
      ),
    ).toEqual([]);
    expect(
      unfilteredTables(
        'SELECT * FROM credit_lots a JOIN credit_consumptions b USING (customer_id) WHERE a.customer_id = $1',
      ),
    ).toEqual([]);
    // Equal to a column of unnest or of a CTE is no filter Citus can prune by; unequal is none either.
    expect(
      unfilteredTables(
        `WITH d AS (SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS d (id, customer_id))
         UPDATE invoices i SET status = 'finalized' FROM d WHERE i.id = d.id AND i.customer_id = d.customer_id`,
      ),
    ).toEqual(['invoices']);
    expect(unfilteredTables('SELECT * FROM alerts WHERE customer_id <> $1')).toEqual(['alerts']);
  });

  it('leaves only the known gaps on ingestion, previews and billing runs', async () => {
    const t = await startTestApp({ now: '2026-03-20T00:00:00Z' });
    try {
      const subscribed = await createSubscribedCustomer(t);
      const found = new Set<string>();
      const scans = new Set<string>();
      const during = async (path: string, work: () => Promise<unknown>) => {
        for (const sql of await statementsDuring(work)) {
          if (RUN_SCANS.has(sql)) scans.add(sql);
          else for (const table of unfilteredTables(sql)) found.add(`${path}: ${table}`);
        }
      };
      // Every kind of rule evaluated on ingest, so each one's reads are checked.
      for (const rule of [
        { type: 'spend_threshold', amount: '10.00' },
        { type: 'credit_balance_low', percent: '20' },
        { type: 'quota_pressure', hits: 3, windows: 168 },
      ]) {
        expect((await t.admin.post('/v1/alert-rules', rule)).status).toBe(201);
      }
      // Alert evaluation and quota hits follow every ingest off the request path: they belong to ingestion's cost.
      await during('ingest', async () => {
        await recordUsage(t, [
          {
            customerExternalId: subscribed.customer.externalId,
            meter: subscribed.priced.meter.key,
            timestamp: '2026-03-10T10:00:00Z',
            value: '1000',
          },
        ]);
        await t.app.get(QuotaHitsService).flush();
        await t.app.get(AlertsEvaluator).flush();
      });
      await during('upcoming invoice', () =>
        t.admin.get(`/v1/subscriptions/${subscribed.subscription.id}/upcoming-invoice`),
      );
      t.clock.set('2026-04-01T01:00:00Z');
      await during('billing run', async () =>
        expect(await runBilling(t)).toMatchObject({ invoicesCreated: 1, failures: [] }),
      );
      expect([...found].sort()).toEqual(Object.keys(HOT_PATH_GAPS).sort());
      // Each scan let through is one the run still sends.
      expect(scans).toEqual(RUN_SCANS);
    } finally {
      await t.close();
    }
  });
});
