import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/deals';
import { compareOutcomes, DealOutcome, OutcomeCursor } from '../../deal-outcomes/deal-outcome';
import { HubSpotApi } from './hubspot-api';
import { EXTERNAL_KEY } from './hubspot-schema';

const FIELDS = [
  EXTERNAL_KEY,
  'dealstage',
  'hs_is_closed_won',
  'hs_is_closed',
  'amount',
  'deal_currency_code',
  'createdate',
  'hs_lastmodifieddate',
];
/** The search API's largest page. */
const PAGE = 200;

type Filter = { propertyName: string; operator: FilterOperatorEnum; value: string };

/**
 * Our deals changed after the cursor, in (hs_lastmodifieddate, id) order.
 * The search API sorts on one property and documents no order among equal
 * values, so a page sorted by date may cut an instant anywhere: the records
 * of the page's last instant are left to the next read (which starts at that
 * instant), and an instant that fills a page alone is read again by id
 * (hs_object_id GT the last id, sorted by id), so many deals changed in the
 * same millisecond are all read, once.
 * https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm
 */
export async function readHubSpotOutcomes(
  api: HubSpotApi,
  after: OutcomeCursor | null,
  limit: number,
): Promise<DealOutcome[]> {
  const size = Math.min(limit, PAGE);
  const since = after?.modifiedSince.getTime() ?? 0;
  const lastId = after?.lastId ?? '';
  // Filter groups are ORed: the rest of the cursor's instant, and what came after it.
  const groups = lastId
    ? [atInstant(since, lastId), [date(FilterOperatorEnum.Gt, since)]]
    : [[date(FilterOperatorEnum.Gte, since)]];
  const page = await search(api, groups, 'hs_lastmodifieddate', size);
  if (page.length < size) return page.sort(compareOutcomes);
  const lastInstant = Math.max(...page.map((o) => o.modifiedAt.getTime()));
  const complete = page.filter((o) => o.modifiedAt.getTime() < lastInstant);
  if (complete.length > 0) return complete.sort(compareOutcomes);
  // A full page of one instant, in no known order: that instant by id, from the cursor on.
  const from = lastInstant === since ? lastId : '';
  return search(api, [atInstant(lastInstant, from)], 'hs_object_id', size);
}

/** Modified at this very millisecond, with an id above `afterId` (any id when empty). */
function atInstant(at: number, afterId: string): Filter[] {
  const filters = [date(FilterOperatorEnum.Gte, at), date(FilterOperatorEnum.Lte, at)];
  if (afterId)
    filters.push({ propertyName: 'hs_object_id', operator: FilterOperatorEnum.Gt, value: afterId });
  return filters;
}

async function search(
  api: HubSpotApi,
  groups: Filter[][],
  sortBy: string,
  size: number,
): Promise<DealOutcome[]> {
  const page = await api.search('deals outcome search', (client) =>
    client.crm.deals.searchApi.doSearch({
      filterGroups: groups.map((filters) => ({
        filters: [
          { propertyName: EXTERNAL_KEY, operator: FilterOperatorEnum.HasProperty },
          ...filters,
        ],
      })),
      sorts: [sortBy],
      properties: FIELDS,
      limit: size,
    }),
  );
  return page.results.flatMap((deal) => toOutcome(deal.id, deal.properties) ?? []);
}

const date = (operator: FilterOperatorEnum, at: number): Filter => ({
  propertyName: 'hs_lastmodifieddate',
  operator,
  value: String(at),
});

function toOutcome(id: string, p: Record<string, string | null>): DealOutcome | null {
  const key = p[EXTERNAL_KEY];
  const modified = parseDate(p.hs_lastmodifieddate);
  if (!key || !modified) return null;
  const closed = p.hs_is_closed === 'true';
  return {
    key,
    crmId: id,
    stage: p.dealstage ?? '',
    outcome: p.hs_is_closed_won === 'true' ? 'won' : closed ? 'lost' : 'open',
    amount: p.amount || null,
    currency: p.deal_currency_code || null,
    createdAt: parseDate(p.createdate) ?? modified,
    modifiedAt: modified,
  };
}

/** HubSpot dates come as ISO text or epoch milliseconds. */
function parseDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const parsed = /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}
