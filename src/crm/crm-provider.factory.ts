import { AppConfig } from '../config/app-config';
import { CrmProvider } from './crm-provider';
import { HubSpotProvider } from './hubspot/hubspot.provider';
import { SalesforceCrmProvider } from './salesforce/salesforce-crm-provider';

/** The adapter CRM_PROVIDER names, built from the validated configuration; null for none. */
export function createCrmProvider({ crm }: AppConfig): CrmProvider | null {
  switch (crm.provider) {
    case 'none':
      return null;
    case 'hubspot':
      return new HubSpotProvider({
        hubspot: crm.hubspot,
        createMissingAccounts: crm.createMissingAccounts,
        requestTimeoutMs: crm.requestTimeoutMs,
      });
    case 'salesforce': {
      const sf = crm.salesforce;
      return new SalesforceCrmProvider({
        instanceUrl: sf.instanceUrl,
        accessToken: sf.accessToken,
        loginUrl: sf.loginUrl,
        clientId: sf.clientId,
        clientSecret: sf.clientSecret,
        username: sf.username,
        privateKey: sf.privateKey,
        apiVersion: sf.apiVersion,
        opportunityStage: sf.opportunityStage,
        createMissingAccounts: crm.createMissingAccounts,
        requestTimeoutMs: crm.requestTimeoutMs,
      });
    }
  }
}
