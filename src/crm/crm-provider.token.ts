/** The configured CrmProvider, or null when CRM_PROVIDER is none. */
export const CRM_PROVIDER = Symbol('CrmProvider');
