/**
 * A real SMTP server on loopback (smtp-server) that records every message it
 * accepts, parsed with mailparser. Tests can make it refuse sessions or go away:
 *
 *   const smtp = await SmtpEmulator.start({ auth: { user: 'mailer', pass: 'secret' } });
 *   startTestApp({ env: { SMTP_URL: smtp.url } });
 *   smtp.failNextSessions(2);       // the next two connections get "421 try again later"
 *   smtp.failNextSessions(1, 554);  // the next one is refused for good
 *   await smtp.down();              // connections are refused until smtp.up()
 */
import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerError } from 'smtp-server';

export interface ReceivedMail {
  /** MAIL FROM and RCPT TO, as the SMTP session gave them. */
  envelope: { from: string; to: string[] };
  mail: ParsedMail;
}

export interface SmtpEmulatorOptions {
  /** Required credentials; without them the server takes mail from anyone. */
  auth?: { user: string; pass: string };
}

export class SmtpEmulator {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | null = null;
  private port = 0;
  private failingSessions = 0;
  private failureCode = 421;

  private constructor(private readonly options: SmtpEmulatorOptions) {}

  static async start(options: SmtpEmulatorOptions = {}): Promise<SmtpEmulator> {
    const emulator = new SmtpEmulator(options);
    await emulator.up();
    return emulator;
  }

  /** `smtp://user:pass@127.0.0.1:port`, the value for SMTP_URL. */
  get url(): string {
    const auth = this.options.auth;
    const credentials = auth
      ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@`
      : '';
    return `smtp://${credentials}127.0.0.1:${this.port}`;
  }

  /** Messages whose envelope names `address` as a recipient. */
  to(address: string): ParsedMail[] {
    return this.received.filter((r) => r.envelope.to.includes(address)).map((r) => r.mail);
  }

  /**
   * Answers the next `sessions` connections with an error and hangs up: by
   * default 421, "try again later"; a 5xx code is a permanent refusal.
   */
  failNextSessions(sessions: number, responseCode = 421): void {
    this.failingSessions = sessions;
    this.failureCode = responseCode;
  }

  /** Listens again, on the same port as before (a new one the first time). */
  async up(): Promise<void> {
    if (this.server) return;
    const server = this.createServer();
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: connections are refused until up(). */
  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  stop(): Promise<void> {
    return this.down();
  }

  private createServer(): SMTPServer {
    const auth = this.options.auth;
    return new SMTPServer({
      // Plain SMTP on loopback: no certificate to trust, and AUTH allowed without TLS.
      disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !auth,
      allowInsecureAuth: true,
      logger: false,
      onConnect: (_session, callback) => {
        if (this.failingSessions <= 0) return callback();
        this.failingSessions -= 1;
        callback(
          smtpError(this.failureCode, this.failureCode < 500 ? 'try again later' : 'go away'),
        );
      },
      onAuth: (credentials, _session, callback) => {
        const valid = credentials.username === auth?.user && credentials.password === auth?.pass;
        if (valid) return callback(null, { user: credentials.username });
        callback(smtpError(535, 'authentication failed'));
      },
      onData: (stream, session, callback) => {
        simpleParser(stream).then((mail) => {
          const { mailFrom, rcptTo } = session.envelope;
          this.received.push({
            envelope: {
              from: mailFrom ? mailFrom.address : '',
              to: rcptTo.map((recipient) => recipient.address),
            },
            mail,
          });
          callback();
        }, callback);
      },
    });
  }
}

function smtpError(responseCode: number, message: string): SMTPServerError {
  return Object.assign(new Error(message), { responseCode });
}
