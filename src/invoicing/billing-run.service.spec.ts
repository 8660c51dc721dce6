import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RevenueRecorder } from '../analytics/ledger/revenue-recorder.service';
import { ManualClock } from '../common/clock';
import { ValidationFailedError } from '../common/errors';
import { ShutdownService } from '../common/shutdown.service';
import { AppConfig } from '../config/app-config';
import { RollupSealRepository } from '../metering/rollup-seal.repository';
import { CrmOutbox } from '../crm/crm-outbox.service';
import { BillingRunService } from './billing-run.service';
import { BillingSubscriptionsRepository } from './billing-subscriptions.repository';
import { InvoiceRepository } from './invoice.repository';
import { InMemoryBilling, monthly } from './testing/in-memory-billing';

/**
 * The billing run's decisions (which periods, in which order, what a claim by
 * another replica, a failing round or a shutdown leaves) with the real chunk
 * service over in-memory fakes of the ports (testing/in-memory-billing.ts).
 */
const JAN = new Date('2026-01-01T00:00:00Z');
const FEB = new Date('2026-02-01T00:00:00Z');
const MAR = new Date('2026-03-01T00:00:00Z');
const APR = new Date('2026-04-01T00:00:00Z');
const HOUR = 3_600_000;

/** A run at `now` with the default grace period of one hour. */
function billingRunAt(now: Date, env: NodeJS.ProcessEnv = {}) {
  const store = new InMemoryBilling();
  const clock = new ManualClock(now);
  const shutdown = new ShutdownService();
  const service = new BillingRunService(
    store.db as unknown as DataSource,
    store.subscriptionsRepository as unknown as BillingSubscriptionsRepository,
    store.invoices as unknown as InvoiceRepository,
    store.chunkService(clock),
    AppConfig.fromEnvironment(env),
    clock,
    store.revenue as unknown as RevenueRecorder,
    store.crm as unknown as CrmOutbox,
    shutdown,
    store.rollupSeal as unknown as RollupSealRepository,
  );
  return { store, clock, shutdown, service };
}

/** Silences, and answers, the failures the run logs. */
function loggedErrors(): jest.SpyInstance {
  return jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
}

afterEach(() => jest.restoreAllMocks());

describe('BillingRunService', () => {
  it('bills, in order, each period that ended a grace period ago, and a rerun bills nothing again', async () => {
    // 30 minutes after March ended: within the grace period, March waits.
    const { store, clock, service } = billingRunAt(new Date(APR.getTime() + HOUR / 2));
    store.subscriptions.push(monthly('a', JAN));
    expect(await service.run()).toMatchObject({
      billedUntil: new Date(APR.getTime() - HOUR / 2),
      invoicesCreated: 2,
      invoicesFinalized: 2,
      subscriptionsSkipped: 0,
      failures: [],
    });
    // The months billed are folded into the monthly rollups first.
    expect(store.seals).toEqual([{ before: new Date(APR.getTime() + HOUR / 2), claimsBefore: 0 }]);
    expect(store.summary()).toEqual(['a 2026-01 finalized', 'a 2026-02 finalized']);
    expect(store.state.revenue).toEqual(['inv-0001', 'inv-0002']);
    expect(store.state.crm).toEqual(['inv-0001', 'inv-0002']);
    expect(store.state.rolloversAsked).toEqual([
      `a ${FEB.toISOString()}`,
      `a ${MAR.toISOString()}`,
    ]);

    expect(await service.run()).toMatchObject({ invoicesCreated: 0, invoicesFinalized: 0 });
    expect(store.state.crm).toHaveLength(2);

    clock.advance(HOUR);
    expect(await service.run()).toMatchObject({ invoicesCreated: 1 });
    expect(store.summary()).toContain('a 2026-03 finalized');
  });

  it("bills a chunk's subscriptions together, one round (the next period of each) per transaction", async () => {
    const { store, service } = billingRunAt(APR, { BILLING_CHUNK_SIZE: '2' });
    store.subscriptions.push(monthly('a', JAN), monthly('b', FEB), monthly('c', JAN));
    expect(await service.run()).toMatchObject({ invoicesCreated: 5 });
    // a and b form a chunk; b, caught up after one round, leaves the second to a alone.
    expect(store.rounds).toEqual([['a', 'b'], ['a'], ['c'], ['c']]);
  });

  it('refuses a run as of a time still to come, naming asOf', async () => {
    const { store, service } = billingRunAt(MAR);
    store.subscriptions.push(monthly('a', JAN));
    const run = service.run(APR);
    await expect(run).rejects.toBeInstanceOf(ValidationFailedError);
    await expect(run).rejects.toThrow(/asOf/);
    expect(store.summary()).toEqual([]);
  });

  it('leaves a subscription another replica is billing to it and bills the others', async () => {
    const { store, service } = billingRunAt(MAR);
    store.subscriptions.push(monthly('a', JAN), monthly('b', JAN));
    store.claimedElsewhere.add('a');
    expect(await service.run()).toMatchObject({ invoicesCreated: 1, subscriptionsSkipped: 1 });
    expect(store.summary()).toEqual(['b 2026-01 finalized']);
  });

  it('bills a failing round one by one: reports the failing period alone, holds its later ones, bills the others', async () => {
    const { store, service } = billingRunAt(APR);
    store.subscriptions.push(monthly('a', JAN), monthly('b', JAN), monthly('c', JAN));
    store.failing.add(`b ${FEB.toISOString()}`);
    const logged = loggedErrors();
    const result = await service.run(APR);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('billing subscription b for'));
    expect(result).toMatchObject({
      invoicesCreated: 5,
      invoicesFinalized: 5,
      failures: [
        { subscriptionId: 'b', periodStart: FEB, message: `no rate for b ${FEB.toISOString()}` },
      ],
    });
    expect(store.summary()).toEqual([
      'a 2026-01 finalized',
      'b 2026-01 finalized',
      'c 2026-01 finalized',
      'a 2026-02 finalized',
      'c 2026-02 finalized',
    ]);
    // Nothing of the failed round was kept: no draft, no revenue, no CRM message twice.
    expect(store.state.crm).toEqual(store.state.invoices.map((invoice) => invoice.id));
    expect(store.state.revenue).toEqual(store.state.crm);

    store.failing.clear();
    expect(await service.run(APR)).toMatchObject({ invoicesCreated: 1, failures: [] });
    expect(store.summary()).toContain('b 2026-02 finalized');
  });

  it("reports a round that failed before knowing the period at the subscription's start", async () => {
    const { store, service } = billingRunAt(MAR);
    store.subscriptions.push(monthly('a', JAN), monthly('b', JAN));
    store.unreachable.add('a');
    loggedErrors();
    expect(await service.run()).toMatchObject({
      invoicesCreated: 1,
      failures: [{ subscriptionId: 'a', periodStart: JAN, message: 'connection lost claiming a' }],
    });
    expect(store.summary()).toEqual(['b 2026-01 finalized']);
  });

  it('finalizes drafts left by another process once their period has ended, not before', async () => {
    const { store, service } = billingRunAt(MAR);
    const ended = store.addInvoice('x', { start: JAN, end: FEB }, 'draft');
    store.addInvoice('y', { start: FEB, end: MAR }, 'draft');
    expect(await service.run()).toMatchObject({ invoicesCreated: 0, invoicesFinalized: 1 });
    expect(store.summary()).toEqual(['x 2026-01 finalized', 'y 2026-02 draft']);
    expect(store.state.revenue).toEqual([ended]);
    expect(store.state.crm).toEqual([ended]);
  });

  it('claims no more subscriptions once the replica is stopping', async () => {
    const { store, shutdown, service } = billingRunAt(MAR);
    store.subscriptions.push(monthly('a', JAN));
    shutdown.onModuleDestroy();
    expect(await service.run()).toMatchObject({ invoicesCreated: 0, failures: [] });
    expect(store.summary()).toEqual([]);
  });

  it('finishes the round in hand when the replica starts stopping, and claims nothing more', async () => {
    const { store, shutdown, service } = billingRunAt(APR, { BILLING_CHUNK_SIZE: '1' });
    store.subscriptions.push(monthly('a', JAN), monthly('b', JAN));
    store.onClaim = () => shutdown.onModuleDestroy();
    expect(await service.run()).toMatchObject({ invoicesCreated: 1, failures: [] });
    expect(store.summary()).toEqual(['a 2026-01 finalized']);
  });

  it('reads subscriptions in keyset batches and bills every one', async () => {
    const { store, service } = billingRunAt(new Date(MAR.getTime() + HOUR));
    const ids = Array.from({ length: 501 }, (_, i) => `s${String(i).padStart(4, '0')}`);
    store.subscriptions.push(...ids.map((id) => monthly(id, FEB)));
    expect(await service.run()).toMatchObject({ invoicesCreated: 501 });
    expect(store.batchesAfter).toEqual([null, ids[499]]);
    // chunks of the default 100 subscriptions
    expect(store.rounds.map((round) => round.length)).toEqual([100, 100, 100, 100, 100, 1]);
  });
});
