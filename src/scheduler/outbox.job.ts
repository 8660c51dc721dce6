import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { ShutdownService } from '../common/shutdown.service';
import { OutboxWorker } from '../outbox/outbox-worker.service';

const EVERY_SECOND_MS = 1000;

/**
 * Delivers due outbox messages (e-mails) about a second after they are due.
 * No advisory lock: replicas share the work, each claiming different rows.
 */
@Injectable()
export class OutboxJob {
  private running = false;

  constructor(
    private readonly worker: OutboxWorker,
    private readonly shutdown: ShutdownService,
  ) {}

  @Interval('outbox', EVERY_SECOND_MS)
  async run(): Promise<void> {
    // A slow SMTP server can make a drain outlast the interval: skip the tick rather than pile up drains.
    if (this.running || this.shutdown.stopping) return;
    this.running = true;
    try {
      await this.shutdown.hold(() => this.worker.drain());
    } finally {
      this.running = false;
    }
  }
}
