import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { startTestApp, TestApp } from '../support/test-app';
import { NotificationFixtures, thresholdEmail } from './notifications-fixtures';

describe('customer e-mails without SMTP configured', () => {
  let t: TestApp;
  let fx: NotificationFixtures;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'usage-mail-'));
    t = await startTestApp({ env: { DATA_DIR: dataDir, SCHEDULER_ENABLED: 'false' } });
    fx = new NotificationFixtures(t);
  });

  afterAll(() => t?.close());

  it('writes each e-mail as an .eml file under DATA_DIR/mail, once', async () => {
    const customer = await fx.customer({ locale: 'en-GB' });
    const message = thresholdEmail(customer.id);
    await fx.enqueue(message);
    await fx.worker.drain();
    await fx.enqueue(message);
    await fx.worker.drain();

    const files = await readdir(join(dataDir, 'mail'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{32}\.eml$/);
    const mail = await simpleParser(await readFile(join(dataDir, 'mail', files[0])));
    expect(mail.subject).toBe('You have used 80% of your GPT-4o tokens limit');
    expect(mail.from?.text).toBe('billing@localhost');
    expect(mail.to).toMatchObject({ value: [{ address: customer.email }] });
    expect(mail.text).toContain('reach the limit on 20 March 2026');
    expect(mail.text).toContain('€1,250.50');
    expect(await fx.outboxMessage(message.dedupeKey)).toMatchObject({ status: 'sent' });
  });
});
