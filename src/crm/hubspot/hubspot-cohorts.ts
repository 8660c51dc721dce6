import { CohortSnapshot, CrmPermanentError, RecordFailure, SetupReport } from '../crm-provider';
import { HubSpotApi } from './hubspot-api';
import { Logger } from '@nestjs/common';
import { recordFailures, sendInBatches } from './hubspot-batches';
import { HubSpotForbiddenError } from './hubspot-errors';
import { cohortSnapshotProperties } from './hubspot-records';
import { COHORT_KEY, COHORT_OBJECT, COHORT_PROPERTIES } from './hubspot-schema';

const NO_CUSTOM_OBJECTS =
  'the portal refuses the custom-object schemas API (custom objects need an Enterprise subscription)';

/**
 * The cohort snapshot custom object. HubSpot names a custom object in the
 * objects API by the `objectTypeId` (`2-…`) it assigns at creation, so the
 * adapter looks it up by our name once and keeps it for the process.
 */
export class HubSpotCohorts {
  private objectTypeId: Promise<string> | null = null;
  private readonly logger = new Logger('HubSpotCohorts');

  constructor(private readonly api: HubSpotApi) {}

  /** Creates the schema with its properties unless one of our name exists. */
  async setup(report: SetupReport): Promise<void> {
    const label = `schema ${COHORT_OBJECT.name}`;
    let existing: string | null;
    try {
      existing = await this.findObjectTypeId();
    } catch (error) {
      if (!(error instanceof HubSpotForbiddenError)) throw error;
      report.skipped.push(`${label}: ${NO_CUSTOM_OBJECTS} (${error.message})`);
      return;
    }
    if (existing) {
      report.existing.push(label);
      return;
    }
    await this.api.call('schema create', (client) =>
      client.crm.schemas.coreApi.create({
        name: COHORT_OBJECT.name,
        labels: COHORT_OBJECT.labels,
        primaryDisplayProperty: COHORT_KEY,
        requiredProperties: [COHORT_KEY],
        searchableProperties: [COHORT_KEY],
        associatedObjects: [],
        properties: COHORT_PROPERTIES.map((definition) => ({
          ...definition,
          type: definition.type as never,
        })),
      }),
    );
    report.created.push(label);
  }

  /**
   * Batch upserts (100 a call) by `cohort_key`: a replayed snapshot updates its
   * record. On a portal without custom objects the snapshots have nowhere to
   * go: they are dropped with a warning (the cohort figures still reach the
   * companies), not dead-lettered one by one.
   */
  async upsert(snapshots: readonly CohortSnapshot[]): Promise<RecordFailure[]> {
    let objectType: string;
    try {
      objectType = await this.resolveObjectTypeId();
    } catch (error) {
      if (!(error instanceof HubSpotForbiddenError)) throw error;
      this.logger.warn(`${snapshots.length} cohort snapshots not sent: ${NO_CUSTOM_OBJECTS}`);
      return [];
    }
    return sendInBatches(
      snapshots,
      (snapshot) => snapshot.key,
      async (batch) =>
        recordFailures(
          await this.api.call('cohort snapshot upsert', (client) =>
            client.crm.objects.batchApi.upsert(objectType, {
              inputs: batch.map((snapshot) => ({
                id: snapshot.key,
                idProperty: COHORT_KEY,
                properties: cohortSnapshotProperties(snapshot),
              })),
            }),
          ),
        ),
    );
  }

  private resolveObjectTypeId(): Promise<string> {
    this.objectTypeId ??= this.findObjectTypeId().then((id) => {
      if (id) return id;
      throw new CrmPermanentError(
        `HubSpot has no custom object ${COHORT_OBJECT.name}: run npm run crm:setup`,
      );
    });
    // A failed lookup (e.g. a timeout) is retried by the next delivery, not remembered.
    this.objectTypeId.catch(() => (this.objectTypeId = null));
    return this.objectTypeId;
  }

  private async findObjectTypeId(): Promise<string | null> {
    const schemas = await this.api.call('schemas', (client) => client.crm.schemas.coreApi.getAll());
    const schema = schemas.results.find((s) => s.name === COHORT_OBJECT.name);
    return schema?.objectTypeId ?? null;
  }
}
