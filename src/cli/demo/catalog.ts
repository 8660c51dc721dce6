/** The demo's catalog: one plan per pricing model the README names, as API request bodies. */
export const METERS = [
  {
    key: 'llm_tokens',
    name: 'LLM tokens',
    aggregation: 'sum',
    unit: 'token',
    dimensions: ['model'],
  },
  { key: 'api_calls', name: 'API calls', aggregation: 'sum', unit: 'call', dimensions: [] },
  { key: 'storage_gb', name: 'Storage', aggregation: 'max', unit: 'GB', dimensions: [] },
  {
    key: 'resolved_tickets',
    name: 'Resolved tickets',
    aggregation: 'sum',
    unit: 'USD',
    dimensions: [],
  },
];

export const BILLABLE_ITEMS = [
  { key: 'tokens', name: 'LLM tokens', kind: 'metered', meter: 'llm_tokens' },
  { key: 'api_calls', name: 'API calls', kind: 'metered', meter: 'api_calls' },
  { key: 'storage', name: 'Storage (50 GB packages)', kind: 'metered', meter: 'storage_gb' },
  { key: 'resolutions', name: 'Resolved tickets', kind: 'metered', meter: 'resolved_tickets' },
  { key: 'platform_starter', name: 'Starter platform fee', kind: 'licensed' },
  { key: 'platform_scale', name: 'Scale platform fee', kind: 'licensed' },
];

// The API and support products include no LLM tokens: a limit of one token keeps
// the upgrade recommender from proposing them to a token customer near its limit.
const NO_TOKENS = { meter: 'llm_tokens', quantity: '1' };

export const PLANS = [
  {
    plan: { key: 'tokens-starter', name: 'Tokens Starter', currency: 'USD' },
    version: {
      rates: [
        {
          billableItem: 'tokens',
          rate: {
            model: 'graduated',
            tiers: [
              { upTo: '1000000', unitAmount: '0' },
              { upTo: null, unitAmount: '0.00002' },
            ],
          },
        },
      ],
      licenceFees: [{ billableItem: 'platform_starter', unitAmount: '99.00' }],
      limits: [{ meter: 'llm_tokens', quantity: '5000000' }],
    },
    licenceQuantities: { platform_starter: '1' },
  },
  {
    plan: { key: 'tokens-scale', name: 'Tokens Scale', currency: 'USD' },
    version: {
      rates: [
        {
          billableItem: 'tokens',
          rate: {
            model: 'graduated',
            tiers: [
              { upTo: '10000000', unitAmount: '0.000015' },
              { upTo: null, unitAmount: '0.00001' },
            ],
          },
        },
      ],
      licenceFees: [{ billableItem: 'platform_scale', unitAmount: '499.00' }],
      limits: [{ meter: 'llm_tokens', quantity: '50000000' }],
    },
    licenceQuantities: { platform_scale: '1' },
  },
  {
    plan: { key: 'api-metered', name: 'API metered', currency: 'USD' },
    version: {
      rates: [
        { billableItem: 'api_calls', rate: { model: 'per_unit', unitAmount: '0.002' } },
        {
          billableItem: 'storage',
          rate: { model: 'package', packageSize: '50', packageAmount: '25.00' },
        },
      ],
      limits: [{ meter: 'api_calls', quantity: '250000' }, NO_TOKENS],
    },
    licenceQuantities: {},
  },
  {
    plan: { key: 'support-outcomes', name: 'Support outcomes', currency: 'USD' },
    version: {
      rates: [
        {
          billableItem: 'resolutions',
          rate: { model: 'percentage', rate: '2.5', fixedAmount: '0.25' },
        },
      ],
      limits: [NO_TOKENS],
    },
    licenceQuantities: {},
  },
];
