import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { DealOutcomesRepository } from './deal-outcomes.repository';
import { DealOutcomesService } from './deal-outcomes.service';
import { DealStagesController } from './deal-stages.controller';

/**
 * The deal outcomes read back from the CRM: owned here, written by the CRM
 * module's read-back, read by analytics and the dashboard (deal stages).
 * Independent of the CRM sync, so reporting modules can use it without a cycle.
 */
@Module({
  imports: [CustomersModule],
  controllers: [DealStagesController],
  providers: [DealOutcomesRepository, DealOutcomesService],
  exports: [DealOutcomesRepository, DealOutcomesService],
})
export class DealOutcomesModule {}
