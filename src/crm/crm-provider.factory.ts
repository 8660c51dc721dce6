import { AppConfig, SalesforceConfig } from '../config/app-config';
import { CrmProvider, CrmRecordIdStore } from './crm-provider';
import { HubSpotCrmProvider } from './hubspot/hubspot-crm.provider';
import { allOf, CallScheduler, RateLimiter } from './rate-limiter';
import { SalesforceCrmProvider } from './salesforce/salesforce-crm.provider';

/** The adapter CRM_PROVIDER names, built from the validated configuration; null for none. */
export function createCrmProvider(
  { crm }: AppConfig,
  recordIds: CrmRecordIdStore,
): CrmProvider | null {
  switch (crm.provider) {
    case 'none':
      return null;
    case 'hubspot':
      return new HubSpotCrmProvider({
        hubspot: crm.hubspot,
        createMissingAccounts: crm.createMissingAccounts,
        requestTimeoutMs: crm.requestTimeoutMs,
        recordIds,
      });
    case 'salesforce': {
      const sf = crm.salesforce;
      return new SalesforceCrmProvider({
        instanceUrl: sf.instanceUrl,
        accessToken: sf.accessToken,
        loginUrl: sf.loginUrl,
        jwtAudience: sf.jwtAudience,
        clientId: sf.clientId,
        clientSecret: sf.clientSecret,
        username: sf.username,
        privateKey: sf.privateKey,
        apiVersion: sf.apiVersion,
        opportunityStage: sf.opportunityStage,
        createMissingAccounts: crm.createMissingAccounts,
        requestTimeoutMs: crm.requestTimeoutMs,
        limiter: salesforceLimiter(sf),
      });
    }
  }
}

const DAY_MS = 86_400_000;

/**
 * The integration's share of the org's rolling 24 h allotment, at most
 * SALESFORCE_MAX_CONCURRENCY in flight, and the optional short window.
 */
export function salesforceLimiter(sf: SalesforceConfig): CallScheduler {
  const daily = new RateLimiter({
    requests: sf.dailyRequestLimit,
    intervalMs: DAY_MS,
    concurrency: sf.maxConcurrency,
  });
  return sf.rateLimit ? allOf(daily, new RateLimiter(sf.rateLimit)) : daily;
}
