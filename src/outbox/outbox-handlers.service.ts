import { Injectable } from '@nestjs/common';
import { OutboxHandler } from './outbox-handler';
import { OutboxChannel } from './outbox-message';

/**
 * The handler of each channel. Channel modules register theirs at start-up, so
 * the outbox needs no import of them (they depend on it, not the reverse).
 */
@Injectable()
export class OutboxHandlers {
  private readonly byChannel = new Map<OutboxChannel, OutboxHandler>();

  register(handler: OutboxHandler): void {
    if (this.byChannel.has(handler.channel))
      throw new Error(`an outbox handler for '${handler.channel}' is already registered`);
    this.byChannel.set(handler.channel, handler);
  }

  /** Channels with a handler: only their messages are claimed. */
  channels(): OutboxChannel[] {
    return [...this.byChannel.keys()];
  }

  get(channel: OutboxChannel): OutboxHandler {
    const handler = this.byChannel.get(channel);
    if (!handler) throw new Error(`no outbox handler for '${channel}'`);
    return handler;
  }
}
