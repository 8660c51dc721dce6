import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError, ValidationFailedError } from '../common/errors';
import { inTransaction } from '../database/transaction';
import { CreatePlanInput } from './dto/plan.schema';
import { CreatePlanVersionInput } from './dto/plan-version.schema';
import { PlanRecord, PlanRepository } from './plan.repository';
import { PlanVersionRecord, PlanVersionRepository } from './plan-version.repository';
import { PlanVersionReferences } from './plan-version-references.service';
import { currencyProblems } from './plan-version-currencies';

export interface PlanWithVersions {
  plan: PlanRecord;
  versions: PlanVersionRecord[];
}

export interface PublishedVersion {
  plan: PlanRecord;
  version: PlanVersionRecord;
}

@Injectable()
export class PlansService {
  constructor(
    private readonly db: DataSource,
    private readonly plans: PlanRepository,
    private readonly versions: PlanVersionRepository,
    private readonly references: PlanVersionReferences,
  ) {}

  create(input: CreatePlanInput): Promise<PlanRecord> {
    return this.plans.insert(input);
  }

  list(): Promise<PlanRecord[]> {
    return this.plans.list();
  }

  async get(key: string): Promise<PlanWithVersions> {
    const plan = await this.requirePlan(key);
    return { plan, versions: await this.versions.listByPlan(plan.id) };
  }

  /** Publishes the next version; all of it, and the live switch, in one transaction. */
  publishVersion(planKey: string, input: CreatePlanVersionInput): Promise<PublishedVersion> {
    return inTransaction(this.db, async (tx) => {
      const locked = await this.plans.lockByKey(planKey, tx);
      if (!locked) throw new NotFoundError('plan', planKey);
      const problems = currencyProblems(locked.currency, input);
      if (problems.length > 0) throw new ValidationFailedError(problems);
      const content = await this.references.resolve(input, tx);
      const version = await this.versions.insertNext(locked.id, content, tx);
      const plan = input.live
        ? await this.plans.setLiveVersion(locked.id, version.version, tx)
        : locked;
      return { plan, version };
    });
  }

  async setLiveVersion(planKey: string, number: number): Promise<PlanWithVersions> {
    const plan = await this.requirePlan(planKey);
    const versions = await this.versions.listByPlan(plan.id);
    if (!versions.some((version) => version.version === number)) {
      throw ValidationFailedError.field('version', `plan '${planKey}' has no version ${number}`);
    }
    return { plan: await this.plans.setLiveVersion(plan.id, number), versions };
  }

  private async requirePlan(key: string): Promise<PlanRecord> {
    const plan = await this.plans.findByKey(key);
    if (!plan) throw new NotFoundError('plan', key);
    return plan;
  }
}
