/**
 * What the CRM sync needs from the modules that produce its figures, as ports
 * the CRM module owns and those modules provide (as `CRM_PROVIDER` is bound to
 * an adapter), so `crm/` imports neither credits nor invoicing.
 */
export interface CrmCustomerRef {
  id: string;
  externalId: string;
}

/** Credit balances now, by customer id, as decimal strings; absent for a customer who cannot hold credit. */
export interface CrmCreditBalances {
  balances(customers: readonly CrmCustomerRef[]): Promise<Map<string, string>>;
}

export const CRM_CREDIT_BALANCES = Symbol('CrmCreditBalances');
