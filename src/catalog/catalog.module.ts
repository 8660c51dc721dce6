import { Module } from '@nestjs/common';
import { BillableItemRepository } from './billable-item.repository';
import { BillableItemsController } from './billable-items.controller';
import { BillableItemsService } from './billable-items.service';
import { MeterRepository } from './meter.repository';
import { MetersController } from './meters.controller';
import { MetersService } from './meters.service';
import { PlanRepository } from './plan.repository';
import { PlanVersionRepository } from './plan-version.repository';
import { PlanVersionLookup } from './plan-version-lookup.service';
import { PlanVersionReferences } from './plan-version-references.service';
import { PlansController } from './plans.controller';
import { PlansService } from './plans.service';

/** Meters, billable items, plans and their immutable versions. */
@Module({
  controllers: [MetersController, BillableItemsController, PlansController],
  providers: [
    MeterRepository,
    MetersService,
    BillableItemRepository,
    BillableItemsService,
    PlanRepository,
    PlanVersionRepository,
    PlanVersionReferences,
    PlanVersionLookup,
    PlansService,
  ],
  exports: [
    PlanRepository,
    PlanVersionRepository,
    PlanVersionLookup,
    BillableItemRepository,
    MeterRepository,
  ],
})
export class CatalogModule {}
