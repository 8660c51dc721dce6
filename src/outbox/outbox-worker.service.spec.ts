import { ManualClock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { ShutdownService } from '../common/shutdown.service';
import {
  BatchOutcome,
  DeferredDeliveryError,
  DeliveryOutcome,
  OutboxHandler,
  PermanentDeliveryError,
} from './outbox-handler';
import { OutboxHandlers } from './outbox-handlers.service';
import { OutboxChannel, OutboxMessage, OutboxRecord } from './outbox-message';
import { OutboxRepository, Settlement } from './outbox.repository';
import { OutboxWorker } from './outbox-worker.service';

/**
 * The worker's decisions (claim, deliver, retry, give up, batch) against an
 * in-memory outbox that claims and settles as OutboxRepository's SQL does;
 * the SQL itself (SKIP LOCKED claims, leases) is tested end to end.
 */
class InMemoryOutbox {
  readonly rows: OutboxMessage[] = [];
  private readonly records = new Map<string, OutboxRecord>();

  add(channel: OutboxChannel, dedupeKey: string, at: Date, record?: OutboxRecord): OutboxMessage {
    const message: OutboxMessage = {
      id: `m${this.rows.length + 1}`,
      channel,
      dedupeKey,
      payload: { dedupeKey },
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at,
      lastError: null,
      createdAt: at,
      sentAt: null,
    };
    this.rows.push(message);
    if (record) this.records.set(message.id, record);
    return message;
  }

  /** A later message (by record time, then position) for the same record, not dead. */
  async superseded(ids: readonly string[]): Promise<Set<string>> {
    const rank = (id: string) => [
      this.records.get(id)!.at.getTime(),
      this.rows.findIndex((m) => m.id === id),
    ];
    const newer = (a: string, b: string) => {
      const [[atA, posA], [atB, posB]] = [rank(a), rank(b)];
      return atA > atB || (atA === atB && posA > posB);
    };
    return new Set(
      ids.filter((id) =>
        this.rows.some(
          (other) =>
            this.records.has(id) &&
            this.records.get(other.id)?.key === this.records.get(id)!.key &&
            other.status !== 'dead' &&
            newer(other.id, id),
        ),
      ),
    );
  }

  async claimDue(
    channels: OutboxChannel[],
    limit: number,
    now: Date,
    leaseUntil: Date,
  ): Promise<OutboxMessage[]> {
    const due = this.rows
      .filter(
        (m) => m.status === 'pending' && channels.includes(m.channel) && m.nextAttemptAt <= now,
      )
      .slice(0, limit);
    for (const message of due) {
      message.attempts += 1;
      message.nextAttemptAt = leaseUntil;
    }
    return due.map((message) => ({ ...message }));
  }

  async settle(id: string, attempt: number, settlement: Settlement): Promise<boolean> {
    const message = this.rows.find((m) => m.id === id && m.attempts === attempt);
    if (!message) return false;
    message.status = settlement.status;
    if (settlement.status === 'sent') message.sentAt = settlement.at;
    if (settlement.status === 'pending') {
      message.nextAttemptAt = settlement.retryAt;
      if (settlement.refundAttempt) message.attempts -= 1;
    }
    if ('error' in settlement) message.lastError = settlement.error;
    if (settlement.status === 'skipped') message.lastError = settlement.reason;
    return true;
  }
}

const START = new Date('2026-03-20T00:00:00Z');

function workerWith(...handlers: OutboxHandler[]) {
  return workerConfigured({}, ...handlers);
}

/** A worker whose retry policy comes from these OUTBOX_* variables. */
function workerConfigured(env: NodeJS.ProcessEnv, ...handlers: OutboxHandler[]) {
  const outbox = new InMemoryOutbox();
  const clock = new ManualClock(START);
  const registry = new OutboxHandlers();
  for (const handler of handlers) registry.register(handler);
  const worker = new OutboxWorker(
    outbox as unknown as OutboxRepository,
    registry,
    clock,
    new ShutdownService(),
    AppConfig.fromEnvironment(env),
  );
  return { outbox, clock, worker };
}

/** An e-mail handler answering each delivery with the next scripted outcome. */
function scripted(...outcomes: Array<DeliveryOutcome | Error>): OutboxHandler {
  return {
    channel: 'email',
    async deliver() {
      const next = outcomes.shift();
      if (!next) throw new Error('no more outcomes scripted');
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

describe('OutboxWorker', () => {
  it('delivers a due message once', async () => {
    const { outbox, worker } = workerWith(scripted({ status: 'sent' }));
    outbox.add('email', 'welcome', START);
    expect(await worker.drain()).toEqual({ sent: 1, skipped: 0, retrying: 0, dead: 0 });
    expect(await worker.drain()).toEqual({ sent: 0, skipped: 0, retrying: 0, dead: 0 });
    expect(outbox.rows[0]).toMatchObject({ status: 'sent', attempts: 1, sentAt: START });
  });

  it('retries a failure later, not at once, and counts the attempts', async () => {
    const { outbox, clock, worker } = workerWith(
      scripted(new Error('connection reset'), { status: 'sent' }),
    );
    outbox.add('email', 'invoice', START);
    expect(await worker.drain()).toEqual({ sent: 0, skipped: 0, retrying: 1, dead: 0 });
    const retryAt = outbox.rows[0].nextAttemptAt;
    expect(retryAt.getTime()).toBeGreaterThan(START.getTime());
    expect(outbox.rows[0].lastError).toContain('connection reset');
    clock.set(retryAt);
    expect(await worker.drain()).toEqual({ sent: 1, skipped: 0, retrying: 0, dead: 0 });
    expect(outbox.rows[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('waits and gives up as OUTBOX_RETRY_* and OUTBOX_MAX_ATTEMPTS say', async () => {
    const { outbox, clock, worker } = workerConfigured(
      { OUTBOX_RETRY_BASE_DELAY: '200ms', OUTBOX_RETRY_MAX_DELAY: '1s', OUTBOX_MAX_ATTEMPTS: '2' },
      scripted(new Error('connection reset'), new Error('connection reset')),
    );
    outbox.add('email', 'invoice', START);
    expect(await worker.drain()).toEqual({ sent: 0, skipped: 0, retrying: 1, dead: 0 });
    const wait = outbox.rows[0].nextAttemptAt.getTime() - START.getTime();
    expect(wait).toBeGreaterThanOrEqual(100);
    expect(wait).toBeLessThanOrEqual(200);
    clock.set(outbox.rows[0].nextAttemptAt);
    expect(await worker.drain()).toEqual({ sent: 0, skipped: 0, retrying: 0, dead: 1 });
    expect(outbox.rows[0]).toMatchObject({ status: 'dead', attempts: 2 });
  });

  it('skips a retried message once a newer one for the same record was delivered, rather than overwrite it', async () => {
    const delivered: string[] = [];
    const handler: OutboxHandler = {
      channel: 'email',
      async deliver(message) {
        if (message.dedupeKey === 'at-80') throw new Error('HTTP 502');
        delivered.push(message.dedupeKey);
        return { status: 'sent' };
      },
    };
    const { outbox, clock, worker } = workerWith(handler);
    const record = (minutes: number) => ({
      key: 'deal:c1',
      at: new Date(START.getTime() + minutes * 60_000),
    });
    const older = outbox.add('email', 'at-80', START, record(0));
    expect(await worker.drain()).toEqual({ sent: 0, skipped: 0, retrying: 1, dead: 0 });
    // While the older one waits for its retry, a newer one for the same record is delivered.
    outbox.add('email', 'at-100', START, record(5));
    outbox.add('email', 'other-record', START, { key: 'deal:c2', at: START });
    expect(await worker.drain()).toEqual({ sent: 2, skipped: 0, retrying: 0, dead: 0 });
    clock.set(older.nextAttemptAt);
    expect(await worker.drain()).toEqual({ sent: 0, skipped: 1, retrying: 0, dead: 0 });
    expect(delivered).toEqual(['at-100', 'other-record']);
    expect(outbox.rows.find((m) => m.id === older.id)).toMatchObject({
      status: 'skipped',
      lastError: expect.stringContaining('superseded'),
    });
  });

  it('still delivers an older message when the newer one for its record is dead', async () => {
    const { outbox, worker } = workerWith(scripted({ status: 'sent' }));
    const newer = outbox.add('email', 'newer', START, {
      key: 'deal:c1',
      at: new Date(START.getTime() + 1),
    });
    newer.status = 'dead';
    outbox.add('email', 'older', START, { key: 'deal:c1', at: START });
    expect(await worker.drain()).toEqual({ sent: 1, skipped: 0, retrying: 0, dead: 0 });
    expect(outbox.rows.map((m) => m.status)).toEqual(['dead', 'sent']);
  });

  it('gives up at once on a permanent failure', async () => {
    const { outbox, worker } = workerWith(scripted(new PermanentDeliveryError('no such mailbox')));
    outbox.add('email', 'alert', START);
    expect(await worker.drain()).toEqual({ sent: 0, skipped: 0, retrying: 0, dead: 1 });
    expect(outbox.rows[0]).toMatchObject({
      status: 'dead',
      lastError: expect.stringContaining('no such mailbox'),
    });
  });

  it('comes back after a deferral without counting it as an attempt', async () => {
    const { outbox, worker } = workerWith(scripted(new DeferredDeliveryError(10_000, 'HTTP 429')));
    outbox.add('email', 'alert', START);
    expect(await worker.drain()).toEqual({ sent: 0, skipped: 0, retrying: 1, dead: 0 });
    expect(outbox.rows[0]).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: new Date(START.getTime() + 10_000),
    });
  });

  it('hands a batching channel its messages together; one left without an outcome is retried', async () => {
    const batches: string[][] = [];
    const crm: OutboxHandler = {
      channel: 'crm',
      batchSize: 2,
      deliver: async () => ({ status: 'sent' }),
      async deliverBatch(messages): Promise<Map<string, BatchOutcome>> {
        batches.push(messages.map((m) => m.dedupeKey));
        return new Map(
          messages.filter((m) => m.dedupeKey !== 'c').map((m) => [m.id, { status: 'sent' }]),
        );
      },
    };
    const { outbox, worker } = workerWith(crm);
    for (const key of ['a', 'b', 'c']) outbox.add('crm', key, START);
    expect(await worker.drain()).toEqual({ sent: 2, skipped: 0, retrying: 1, dead: 0 });
    expect(batches).toEqual([['a', 'b'], ['c']]);
    expect(outbox.rows.map((m) => m.status)).toEqual(['sent', 'sent', 'pending']);
  });
});
