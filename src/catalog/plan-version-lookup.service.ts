import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../common/errors';
import { PlanRecord, PlanRepository } from './plan.repository';
import { PlanVersionRecord, PlanVersionRepository } from './plan-version.repository';

export interface PlanVersionFound {
  plan: PlanRecord;
  version: PlanVersionRecord;
}

/**
 * A plan version named in a request body (`plan`, optional `version`): the
 * version asked for or the plan's live one. Unknown keys and numbers are the
 * caller's mistake in those fields, so they are 400s naming `plan` or `version`.
 */
@Injectable()
export class PlanVersionLookup {
  constructor(
    private readonly plans: PlanRepository,
    private readonly versions: PlanVersionRepository,
  ) {}

  async find(planKey: string, number: number | undefined): Promise<PlanVersionFound> {
    const plan = await this.plans.findByKey(planKey);
    if (!plan) throw ValidationFailedError.field('plan', `no plan with key '${planKey}'`);
    const wanted = number ?? plan.liveVersion;
    if (wanted === null) {
      throw ValidationFailedError.field(
        'version',
        `plan '${planKey}' has no live version: name a version`,
      );
    }
    const version = await this.versions.findOne(plan.id, wanted);
    if (!version) {
      throw ValidationFailedError.field('version', `plan '${planKey}' has no version ${wanted}`);
    }
    return { plan, version };
  }
}
