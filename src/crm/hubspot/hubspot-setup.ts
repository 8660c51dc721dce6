import { SetupReport } from '../crm-provider';
import { HubSpotApi } from './hubspot-api';
import {
  CUSTOM_PROPERTIES,
  HubSpotObjectType,
  PROPERTY_GROUP,
  PropertyDefinition,
} from './hubspot-schema';

/**
 * Creates what the sync writes into, idempotently, never rewriting what
 * exists (an existing property an admin changed is reported in
 * `differences`): the `usage_billing`
 * property group and the custom properties of each object type. Invoices use
 * HubSpot's own invoice object (writable through the CRM objects API); the one
 * custom object, cohort snapshots, is set up by HubSpotCohorts.
 */
export async function setUpHubSpot(api: HubSpotApi): Promise<SetupReport> {
  const report: SetupReport = { created: [], existing: [], differences: [], skipped: [] };
  for (const [objectType, definitions] of Object.entries(CUSTOM_PROPERTIES) as Array<
    [HubSpotObjectType, (typeof CUSTOM_PROPERTIES)[HubSpotObjectType]]
  >) {
    const groups = await api.call('property groups', (client) =>
      client.crm.properties.groupsApi.getAll(objectType),
    );
    const groupLabel = `${objectType} group ${PROPERTY_GROUP.name}`;
    if (groups.results.some((group) => group.name === PROPERTY_GROUP.name)) {
      report.existing.push(groupLabel);
    } else {
      await api.call('property group create', (client) =>
        client.crm.properties.groupsApi.create(objectType, {
          name: PROPERTY_GROUP.name,
          label: PROPERTY_GROUP.label,
        }),
      );
      report.created.push(groupLabel);
    }
    const existing = await api.call('properties', (client) =>
      client.crm.properties.coreApi.getAll(objectType),
    );
    const held = new Map(existing.results.map((property) => [property.name, property]));
    const missing = definitions.filter((definition) => !held.has(definition.name));
    for (const definition of definitions) {
      const property = held.get(definition.name);
      if (!property) continue;
      report.existing.push(`${objectType}.${definition.name}`);
      report.differences.push(...propertyDifferences(objectType, definition, property));
    }
    if (missing.length === 0) continue;
    await api.call('properties create', (client) =>
      client.crm.properties.batchApi.create(objectType, {
        inputs: missing.map((definition) => ({
          ...definition,
          type: definition.type as never,
          fieldType: definition.fieldType as never,
          groupName: PROPERTY_GROUP.name,
        })),
      }),
    );
    report.created.push(...missing.map((definition) => `${objectType}.${definition.name}`));
  }
  return report;
}

/** What an admin changed on one of our properties (label, type, uniqueness). */
function propertyDifferences(
  objectType: string,
  ours: PropertyDefinition,
  theirs: { label: string; type: string; fieldType: string; hasUniqueValue?: boolean },
): string[] {
  const compared: Array<[string, unknown, unknown]> = [
    ['label', theirs.label, ours.label],
    ['type', theirs.type, ours.type],
    ['fieldType', theirs.fieldType, ours.fieldType],
    ['hasUniqueValue', theirs.hasUniqueValue ?? false, ours.hasUniqueValue ?? false],
  ];
  return compared.flatMap(([name, held, wanted]) =>
    String(held) === String(wanted)
      ? []
      : [
          `${objectType}.${ours.name}: ${name} is ${JSON.stringify(held)} in HubSpot, ${JSON.stringify(wanted)} here`,
        ],
  );
}
