/**
 * Usage warnings queued while the SMTP server is down, two replicas running
 * their outbox workers against one PostgreSQL, then the server comes back:
 * every e-mail arrives exactly once.
 */
import { SmtpEmulator } from '../emulators/smtp';
import { ServiceProcess, startService, stopService, waitFor } from '../support/service-process';
import { removeServiceBuild } from '../support/service-build';
import { createTestDatabase, startTestApp } from '../support/test-app';
import { NotificationFixtures, thresholdEmail } from './notifications-fixtures';

const WARNINGS = 12;

describe('e-mail delivery on two replicas through an SMTP outage', () => {
  let smtp: SmtpEmulator;
  const replicas: ServiceProcess[] = [];

  afterAll(async () => {
    await Promise.all(replicas.map(stopService));
    removeServiceBuild();
    await smtp?.down();
  });

  it('delivers every queued warning exactly once after the server comes back', async () => {
    smtp = await SmtpEmulator.start();
    await smtp.down();

    const databaseUrl = await createTestDatabase();
    const t = await startTestApp({ databaseUrl, now: new Date().toISOString() });
    const fixtures = new NotificationFixtures(t);
    const recipients: string[] = [];
    for (let i = 0; i < WARNINGS; i += 1) {
      const customer = await fixtures.customer({ email: `billing-${i}@customer-${i}.example` });
      recipients.push(customer.email!);
      await fixtures.enqueue(thresholdEmail(customer.id, `outage_warning_${i}`));
    }
    await t.close();

    const env = { DATABASE_URL: databaseUrl, SMTP_URL: smtp.url, SCHEDULER_ENABLED: 'true' };
    replicas.push(...(await Promise.all([startService(env), startService(env)])));
    // Both replicas try while the server is down: every message is tried and waits for a retry.
    await waitFor(async () => {
      const { body } = await replicas[0].call('GET', '/v1/outbox?channel=email&limit=100');
      return (body.data as Array<{ attempts: number }>).every((message) => message.attempts > 0);
    });
    expect(smtp.received).toHaveLength(0);

    await smtp.up();
    // The first retry comes 15 to 30 s after a failure (retry-policy.ts).
    await waitFor(async () => smtp.received.length >= WARNINGS, 90_000);
    // A second delivery by the other replica would arrive within the next ticks.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    const delivered = smtp.received.flatMap((received) => received.envelope.to).sort();
    expect(delivered).toEqual([...recipients].sort());
    const { body } = await replicas[1].call('GET', '/v1/outbox?channel=email&limit=100');
    expect((body.data as Array<{ status: string }>).map((message) => message.status)).toEqual(
      Array(WARNINGS).fill('sent'),
    );
  }, 240_000);
});
