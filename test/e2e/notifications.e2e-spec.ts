import { ParsedMail } from 'mailparser';
import { messageIdFor } from '../../src/notifications/message-id';
import { OutboxMessageResponse } from '../../src/outbox/dto/outbox-message.response';
import { OutboxWorker } from '../../src/outbox/outbox-worker.service';
import { DEFAULT_RETRY_POLICY } from '../../src/config/outbox-retry';
import { SmtpEmulator } from '../emulators/smtp';
import { startTestApp, TestApp } from '../support/test-app';
import { limitReachedEmail, NotificationFixtures, thresholdEmail } from './notifications-fixtures';

const MAIL_FROM = 'Billing <billing@usage.example>';
const SECOND_MS = 1000;
const HOUR_MS = 3_600_000;
const NOTHING = { sent: 0, skipped: 0, retrying: 0, dead: 0 };

/** The List-Unsubscribe URL, which mailparser files under the `list` header. */
function unsubscribeLink(mail: ParsedMail): string | null {
  const list = mail.headers.get('list') as { unsubscribe?: { url: string } } | undefined;
  return list?.unsubscribe?.url ?? null;
}

describe('customer e-mails through the outbox', () => {
  let smtp: SmtpEmulator;
  let t: TestApp;
  let fx: NotificationFixtures;
  const env = (smtpUrl: string) => ({
    SMTP_URL: smtpUrl,
    SCHEDULER_ENABLED: 'false',
    MAIL_FROM,
    PUBLIC_URL: 'https://billing.example',
    UPGRADE_PATH: '/plans/upgrade',
  });

  beforeAll(async () => {
    smtp = await SmtpEmulator.start({ auth: { user: 'mailer', pass: 'p@ss word' } });
    t = await startTestApp({ env: env(smtp.url) });
    fx = new NotificationFixtures(t);
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('sends one e-mail in the customer’s language, with their figures', async () => {
    const customer = await fx.customer({ locale: 'fr', name: 'Société Dupont' });
    const message = thresholdEmail(customer.id);
    await fx.enqueue(message);

    expect(await fx.worker.drain()).toEqual({ ...NOTHING, sent: 1 });

    const mails = smtp.to(customer.email!);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    // U+202F groups French digits; U+00A0 precedes "%", "€" and ":".
    expect(mail.subject).toBe('Vous avez atteint 80\u00a0% de votre limite pour GPT-4o tokens');
    expect(mail.from?.value).toEqual([{ name: 'Billing', address: 'billing@usage.example' }]);
    expect(mail.messageId).toBe(messageIdFor(message.dedupeKey, MAIL_FROM));
    expect(mail.text).toContain('Bonjour Société Dupont,');
    expect(mail.text).toContain('850\u202f000 tokens sur 1\u202f000\u202f000 tokens');
    expect(mail.text).toContain('vous atteindrez la limite le 20 mars 2026');
    expect(mail.text).toContain('estimée à 1\u202f250,50\u00a0€');
    expect(mail.html).toContain(
      '<a href="https://billing.example/plans/upgrade">Relever ma limite</a>',
    );
    expect(unsubscribeLink(mail)).toMatch(
      /^https:\/\/billing\.example\/v1\/email-preferences\/unsubscribe\?token=[0-9a-f-]{36}$/,
    );
    expect(mail.headerLines).toContainEqual({
      key: 'list-unsubscribe-post',
      line: 'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    });

    const row = await fx.outboxMessage(message.dedupeKey);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(row.sentAt).toBe(t.clock.now().toISOString());
  });

  it('sends an e-mail enqueued twice once, and one whose transaction rolled back never', async () => {
    const customer = await fx.customer();
    const message = thresholdEmail(customer.id);
    await fx.enqueue(message);
    await fx.enqueue(message);
    await fx.worker.drain();
    await fx.enqueue(message);
    expect(await fx.worker.drain()).toEqual(NOTHING);
    expect(smtp.to(customer.email!)).toHaveLength(1);

    await expect(
      fx.db.transaction(async (tx) => {
        await fx.notifications.enqueueEmail(tx, thresholdEmail(customer.id));
        throw new Error('the alert could not be stored');
      }),
    ).rejects.toThrow('the alert could not be stored');
    expect(await fx.worker.drain()).toEqual(NOTHING);
    expect(smtp.to(customer.email!)).toHaveLength(1);
  });

  it('retries with growing delays while SMTP is down, then delivers once', async () => {
    const customer = await fx.customer();
    const message = thresholdEmail(customer.id);
    await smtp.down();
    await fx.enqueue(message);

    // Attempt 1 fails; attempt 2 waits 15-30 s (half of 30 s fixed, half jitter).
    expect(await fx.worker.drain()).toEqual({ ...NOTHING, retrying: 1 });
    let row = await fx.outboxMessage(message.dedupeKey);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.lastError).toMatch(/ECONNREFUSED|connect/i);
    const firstWait = Date.parse(row.nextAttemptAt) - t.clock.now().getTime();
    expect(firstWait).toBeGreaterThanOrEqual(15 * SECOND_MS);
    expect(firstWait).toBeLessThanOrEqual(30 * SECOND_MS);

    // Not due yet: nothing is attempted.
    expect(await fx.worker.drain()).toEqual(NOTHING);

    // Attempt 2 fails too; attempt 3 waits 30-60 s.
    t.clock.advance(30 * SECOND_MS);
    expect(await fx.worker.drain()).toEqual({ ...NOTHING, retrying: 1 });
    row = await fx.outboxMessage(message.dedupeKey);
    const secondWait = Date.parse(row.nextAttemptAt) - t.clock.now().getTime();
    expect(row.attempts).toBe(2);
    expect(secondWait).toBeGreaterThanOrEqual(30 * SECOND_MS);
    expect(secondWait).toBeLessThanOrEqual(60 * SECOND_MS);

    await smtp.up();
    t.clock.advance(60 * SECOND_MS);
    expect(await fx.worker.drain()).toEqual({ ...NOTHING, sent: 1 });
    t.clock.advance(HOUR_MS);
    expect(await fx.worker.drain()).toEqual(NOTHING);
    expect(smtp.to(customer.email!)).toHaveLength(1);
    expect(await fx.outboxMessage(message.dedupeKey)).toMatchObject({
      status: 'sent',
      attempts: 3,
      lastError: null,
    });
  });

  it('gives up after the last attempt, lists the message as dead, and delivers it on replay', async () => {
    const customer = await fx.customer();
    const message = thresholdEmail(customer.id);
    smtp.failNextSessions(DEFAULT_RETRY_POLICY.maxAttempts);
    await fx.enqueue(message);

    // Every wait is at most an hour (the cap), so each hour brings the next attempt.
    for (let attempt = 1; attempt <= DEFAULT_RETRY_POLICY.maxAttempts; attempt++) {
      const report = await fx.worker.drain();
      expect(report).toEqual(
        attempt < DEFAULT_RETRY_POLICY.maxAttempts
          ? { ...NOTHING, retrying: 1 }
          : { ...NOTHING, dead: 1 },
      );
      t.clock.advance(HOUR_MS);
    }
    expect(smtp.to(customer.email!)).toHaveLength(0);

    const dead = await t.admin.get('/v1/outbox?channel=email&status=dead');
    expect(dead.status).toBe(200);
    const listed = (dead.body.data as OutboxMessageResponse[]).find(
      (row) => row.dedupeKey === message.dedupeKey,
    );
    expect(listed).toMatchObject({
      status: 'dead',
      attempts: DEFAULT_RETRY_POLICY.maxAttempts,
      payload: { customerId: customer.id, template: 'usage_threshold' },
    });
    expect(listed!.lastError).toContain('try again later');

    const replayed = await t.admin.post(`/v1/outbox/${listed!.id}/replay`);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await fx.worker.drain()).toEqual({ ...NOTHING, sent: 1 });
    expect(smtp.to(customer.email!)).toHaveLength(1);

    const again = await t.admin.post(`/v1/outbox/${listed!.id}/replay`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('is sent');
    const unknown = await t.admin.post('/v1/outbox/6f1c1d5e-3f1a-4b8e-9a43-2f6f1b0c9d11/replay');
    expect(unknown.status).toBe(404);
  });

  it('puts an e-mail for a customer without an address straight on the dead list', async () => {
    const customer = await fx.customer({ email: undefined });
    const message = limitReachedEmail(customer.id);
    await fx.enqueue(message);
    expect(await fx.worker.drain()).toEqual({ ...NOTHING, dead: 1 });
    expect(await fx.outboxMessage(message.dedupeKey)).toMatchObject({
      status: 'dead',
      attempts: 1,
      lastError: 'the customer has no e-mail address',
    });
  });

  it('gives up at once when the SMTP server refuses for good', async () => {
    const customer = await fx.customer();
    const message = limitReachedEmail(customer.id);
    smtp.failNextSessions(1, 554);
    await fx.enqueue(message);
    expect(await fx.worker.drain()).toEqual({ ...NOTHING, dead: 1 });
    const row = await fx.outboxMessage(message.dedupeKey);
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row.lastError).toContain('554 go away');
  });

  it('skips usage warnings for a customer who opted out, but still sends critical e-mails', async () => {
    const customer = await fx.customer();
    const path = `/v1/customers/${customer.externalId}/email-preferences`;
    expect((await t.admin.get(path)).body).toEqual({ usageWarnings: true });
    const put = await t.admin.put(path, { usageWarnings: false });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ usageWarnings: false });

    const warning = thresholdEmail(customer.id);
    const critical = limitReachedEmail(customer.id);
    await fx.enqueue(warning);
    await fx.enqueue(critical);
    expect(await fx.worker.drain()).toEqual({ ...NOTHING, sent: 1, skipped: 1 });

    const mails = smtp.to(customer.email!);
    expect(mails.map((mail) => mail.subject)).toEqual([
      'You have reached your GPT-4o tokens limit',
    ]);
    expect(unsubscribeLink(mails[0])).toBeNull();
    expect(await fx.outboxMessage(warning.dedupeKey)).toMatchObject({
      status: 'skipped',
      lastError: 'the customer opted out of usage warnings',
    });
  });

  it('validates e-mail preferences', async () => {
    const customer = await fx.customer();
    const path = `/v1/customers/${customer.externalId}/email-preferences`;
    const invalid = await t.admin.put(path, { usageWarnings: 'no' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details).toEqual([
      { field: 'usageWarnings', problem: 'must be true or false' },
    ]);
    expect(
      (await t.admin.put('/v1/customers/nobody/email-preferences', { usageWarnings: true })).status,
    ).toBe(404);
  });

  it('opts out through the link in a warning: opening it asks, confirming it opts out', async () => {
    const customer = await fx.customer({ locale: 'sv' });
    await fx.enqueue(thresholdEmail(customer.id));
    await fx.worker.drain();
    const [mail] = smtp.to(customer.email!);
    const link = unsubscribeLink(mail)!;
    expect(mail.text).toContain(link);
    const path = link.replace('https://billing.example', '');
    const preferences = `/v1/customers/${customer.externalId}/email-preferences`;

    const page = await t.http().get(path);
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html');
    expect(page.text).toContain(
      '<form method="post"><button type="submit">Avsluta</button></form>',
    );
    expect((await t.admin.get(preferences)).body).toEqual({ usageWarnings: true });

    // What a mail client's one-click unsubscribe (RFC 8058) sends.
    const confirmed = await t.http().post(path).type('form').send('List-Unsubscribe=One-Click');
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain('Klart');
    expect((await t.admin.get(preferences)).body).toEqual({ usageWarnings: false });

    const forged = await t.http().post('/v1/email-preferences/unsubscribe?token=not-a-token');
    expect(forged.status).toBe(404);
  });

  it('lets two replicas drain together without sending any e-mail twice', async () => {
    const replica = await startTestApp({ env: env(smtp.url), databaseUrl: t.databaseUrl });
    replica.clock.set(t.clock.now());
    try {
      const customer = await fx.customer();
      const messages = Array.from({ length: 40 }, () => thresholdEmail(customer.id));
      for (const message of messages) await fx.enqueue(message);

      const [first, second] = await Promise.all([
        fx.worker.drain(),
        replica.app.get(OutboxWorker).drain(),
      ]);
      expect(first.sent + second.sent).toBe(40);

      const ids = smtp.to(customer.email!).map((mail) => mail.messageId);
      expect(new Set(ids).size).toBe(40);
      expect(ids).toHaveLength(40);
    } finally {
      await replica.close();
    }
  });

  it('answers the operators’ list with filters and pages', async () => {
    const page = await t.admin.get('/v1/outbox?channel=email&status=sent&limit=2');
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(2);
    expect(page.body.data.every((row: OutboxMessageResponse) => row.status === 'sent')).toBe(true);
    const next = await t.admin.get(
      `/v1/outbox?channel=email&status=sent&limit=2&cursor=${page.body.nextCursor}`,
    );
    expect(next.body.data[0].createdAt >= page.body.data[1].createdAt).toBe(true);
    expect(next.body.data[0].id).not.toBe(page.body.data[1].id);

    const invalid = await t.admin.get('/v1/outbox?status=lost');
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details[0].field).toBe('status');
  });
});
