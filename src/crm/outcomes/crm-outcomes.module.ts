import { Module } from '@nestjs/common';
import { DealOutcomesRepository } from './deal-outcomes.repository';
import { DealOutcomesService } from './deal-outcomes.service';

/**
 * The deal outcomes read back from the CRM: owned here, written by the CRM
 * module's read-back, read by analytics and the dashboard. Imports nothing,
 * so reporting modules can use it without depending on the CRM sync.
 */
@Module({
  providers: [DealOutcomesRepository, DealOutcomesService],
  exports: [DealOutcomesRepository, DealOutcomesService],
})
export class CrmOutcomesModule {}
