import { ManualClock } from '../common/clock';
import { Decimal } from '../common/decimal';
import { ChunkRoundFailed } from './invoice-chunk.service';
import { InMemoryBilling, monthly } from './testing/in-memory-billing';

/**
 * One round of a chunk: what it bills, leaves and writes, against in-memory
 * fakes of its ports (testing/in-memory-billing.ts).
 */
const JAN = new Date('2026-01-01T00:00:00Z');
const MAR = new Date('2026-03-01T00:00:00Z');
const APR = new Date('2026-04-01T00:00:00Z');

function chunkServiceOf(store: InMemoryBilling) {
  return store.chunkService(new ManualClock(APR));
}

describe('InvoiceChunkService', () => {
  it('bills the next due period of each subscription it claims, and says which have more due', async () => {
    const store = new InMemoryBilling();
    const a = monthly('a', JAN);
    const b = monthly('b', MAR);
    const c = monthly('c', JAN);
    store.claimedElsewhere.add('c');
    const round = await chunkServiceOf(store).billNextPeriods([a, b, c], APR);
    expect(round).toMatchObject({ created: 2, claimedElsewhere: ['c'] });
    expect(round.billed.map(({ subscription, moreDue }) => [subscription.id, moreDue])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(store.summary()).toEqual(['a 2026-01 finalized', 'b 2026-03 finalized']);
    expect(store.state.crm).toEqual(['inv-0001', 'inv-0002']);
  });

  it('writes nothing when every subscription is claimed elsewhere', async () => {
    const store = new InMemoryBilling();
    store.claimedElsewhere.add('a');
    expect(await chunkServiceOf(store).billNextPeriods([monthly('a', JAN)], APR)).toEqual({
      created: 0,
      claimedElsewhere: ['a'],
      billed: [],
    });
    expect(store.summary()).toEqual([]);
  });

  it("spends a customer's credit invoice after invoice, each seeing what the ones before it left", async () => {
    const store = new InMemoryBilling();
    const lot = store.addLot('cus-shared', '10');
    store.creditPerInvoice = new Decimal('6');
    await chunkServiceOf(store).billNextPeriods(
      [monthly('a', JAN, 'cus-shared'), monthly('b', JAN, 'cus-shared')],
      APR,
    );
    expect(store.state.invoices.map((invoice) => invoice.consumptions)).toEqual([
      [`${lot} 6`],
      [`${lot} 4`],
    ]);
    expect(store.state.lots[0].remaining.toString()).toBe('0');
  });

  it('fails the whole round, writing nothing, and names the periods it was billing', async () => {
    const store = new InMemoryBilling();
    store.failing.add(`b ${JAN.toISOString()}`);
    const round = chunkServiceOf(store).billNextPeriods(
      [monthly('a', JAN), monthly('b', JAN)],
      APR,
    );
    await expect(round).rejects.toBeInstanceOf(ChunkRoundFailed);
    const failed = (await round.catch((error: ChunkRoundFailed) => error)) as ChunkRoundFailed;
    expect(failed.message).toBe(`no rate for b ${JAN.toISOString()}`);
    expect(
      failed.periods.map(({ subscription, period }) => [subscription.id, period.start]),
    ).toEqual([
      ['a', JAN],
      ['b', JAN],
    ]);
    expect(store.state).toMatchObject({ invoices: [], revenue: [], crm: [] });
  });
});
