import { Module } from '@nestjs/common';
import { OutboxController } from './outbox.controller';
import { OutboxHandlers } from './outbox-handlers.service';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { OutboxWorker } from './outbox-worker.service';

/**
 * The transactional outbox shared by every side effect (e-mail now, CRM later):
 * producers enqueue through OutboxService, channel modules register a handler
 * in OutboxHandlers, and the scheduler calls OutboxWorker.drain().
 */
@Module({
  controllers: [OutboxController],
  providers: [OutboxHandlers, OutboxRepository, OutboxService, OutboxWorker],
  exports: [OutboxHandlers, OutboxService, OutboxWorker],
})
export class OutboxModule {}
