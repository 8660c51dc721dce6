import { AppConfig } from '../config/app-config';
import { CrmProvider, CrmRecordIdStore } from './crm-provider';
import { HubSpotCrmProvider } from './hubspot/hubspot-crm.provider';
import { SalesforceCrmProvider } from './salesforce/salesforce-crm.provider';
import { salesforceLimiter } from './salesforce/salesforce-limiter';

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
