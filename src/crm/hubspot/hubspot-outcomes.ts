import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/deals';
import { DealOutcome, isAfter, OutcomeCursor } from '../../deal-outcomes/deal-outcome';
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
/** The search API's page size and the most results one query can page through. */
const PAGE = 200;
const MAX_RESULTS = 10_000;

/**
 * Our deals changed since the cursor: a CRM search on our key (present) and
 * hs_lastmodifieddate, oldest first. A query pages through at most 10 000
 * results, so a longer read runs a new query from the last date seen.
 */
export async function readHubSpotOutcomes(
  api: HubSpotApi,
  after: OutcomeCursor | null,
  limit: number,
): Promise<DealOutcome[]> {
  const outcomes: DealOutcome[] = [];
  let since = after?.modifiedSince ?? new Date(0);
  let offset = 0;
  for (;;) {
    const page = await api.search('deals outcome search', (client) =>
      client.crm.deals.searchApi.doSearch({
        filterGroups: [
          {
            filters: [
              { propertyName: EXTERNAL_KEY, operator: FilterOperatorEnum.HasProperty },
              {
                propertyName: 'hs_lastmodifieddate',
                operator: FilterOperatorEnum.Gte,
                value: String(since.getTime()),
              },
            ],
          },
        ],
        sorts: ['hs_lastmodifieddate'],
        properties: FIELDS,
        limit: PAGE,
        after: offset > 0 ? String(offset) : undefined,
      }),
    );
    for (const deal of page.results) {
      const outcome = toOutcome(deal.id, deal.properties);
      if (outcome && isAfter(after, outcome.modifiedAt, outcome.crmId)) outcomes.push(outcome);
      if (outcomes.length >= limit) return outcomes;
    }
    if (!page.paging?.next?.after) return outcomes;
    offset += PAGE;
    if (offset + PAGE > MAX_RESULTS) {
      const last = page.results.at(-1);
      since = new Date(Number(last?.properties.hs_lastmodifieddate ?? since.getTime()) || since);
      offset = 0;
    }
  }
}

function toOutcome(id: string, p: Record<string, string | null>): DealOutcome | null {
  const key = p[EXTERNAL_KEY];
  const modified = date(p.hs_lastmodifieddate);
  if (!key || !modified) return null;
  const closed = p.hs_is_closed === 'true';
  return {
    key,
    crmId: id,
    stage: p.dealstage ?? '',
    outcome: p.hs_is_closed_won === 'true' ? 'won' : closed ? 'lost' : 'open',
    amount: p.amount || null,
    currency: p.deal_currency_code || null,
    createdAt: date(p.createdate) ?? modified,
    modifiedAt: modified,
  };
}

/** HubSpot dates come as ISO text or epoch milliseconds. */
function date(value: string | null | undefined): Date | null {
  if (!value) return null;
  const parsed = /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}
