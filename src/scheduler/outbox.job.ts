import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { OutboxWorker } from '../outbox/outbox-worker.service';

const EVERY_SECOND_MS = 1000;

/**
 * Delivers due outbox messages (e-mails) about a second after they are due.
 * No advisory lock: replicas share the work, each claiming different rows.
 */
@Injectable()
export class OutboxJob {
  private running = false;

  constructor(private readonly worker: OutboxWorker) {}

  @Interval('outbox', EVERY_SECOND_MS)
  async run(): Promise<void> {
    // A slow SMTP server can make a drain outlast the interval: skip the tick rather than pile up drains.
    if (this.running) return;
    this.running = true;
    try {
      await this.worker.drain();
    } finally {
      this.running = false;
    }
  }
}
