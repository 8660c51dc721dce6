import { CreateApiKeys1795000000001 } from './1795000000001-create-api-keys';
import { CreateCatalog1795000000002 } from './1795000000002-create-catalog';
import { AddSubscriptionIdempotencyKey1795000000010 } from './1795000000010-add-subscription-idempotency-key';
import { CreateUsageEvents1795000000020 } from './1795000000020-create-usage-events';
import { CreateInvoicesAndCredits1795000000030 } from './1795000000030-create-invoices-and-credits';
import { GuardInvoices1795000000031 } from './1795000000031-guard-invoices';
import { AddPlanVersionAt1795000000036 } from './1795000000036-add-plan-version-at';
import { CreateOutboxMessages1795000000060 } from './1795000000060-create-outbox-messages';
import { AddCustomerEmailPreferences1795000000061 } from './1795000000061-add-customer-email-preferences';
import { CreateAlerts1795000000070 } from './1795000000070-create-alerts';
import { SeedDefaultAlertRule1795000000071 } from './1795000000071-seed-default-alert-rule';
import { CreateRevenueMonths1795000000090 } from './1795000000090-create-revenue-months';
import { MaintainCustomerMonthMrr1795000000091 } from './1795000000091-maintain-customer-month-mrr';
import { AddSpendCommitments1795000000130 } from './1795000000130-add-spend-commitments';
import { AddCreditRollover1795000000131 } from './1795000000131-add-credit-rollover';
import { BindUsagePerSubscription1795000000140 } from './1795000000140-bind-usage-per-subscription';
import { AddPlanVersionCurrencies1795000000141 } from './1795000000141-add-plan-version-currencies';
import { CreateCreditNotes1795000000142 } from './1795000000142-create-credit-notes';
import { AddPlanChangesNow1795000000143 } from './1795000000143-add-plan-changes-now';
import { DateLicenceQuantities1795000000144 } from './1795000000144-date-licence-quantities';
import { CreateCrmRecordIds1795000000120 } from './1795000000120-create-crm-record-ids';
import { AddCommitmentCurrencyOptions1795000000147 } from './1795000000147-add-commitment-currency-options';
import { CreatePrepaidBlocks1795000000148 } from './1795000000148-create-prepaid-blocks';
import { CreateEntitlements1795000000150 } from './1795000000150-create-entitlements';
import { CreateUsagePages1795000000160 } from './1795000000160-create-usage-pages';
import { CreateUsagePageRateLimits1795000000161 } from './1795000000161-create-usage-page-rate-limits';
import { CreateCrmDealOutcomes1795000000121 } from './1795000000121-create-crm-deal-outcomes';
import { AddQuotaPressureRule1795000000151 } from './1795000000151-add-quota-pressure-rule';
import { MaintainMrrMovements1795000000170 } from './1795000000170-maintain-mrr-movements';
import { BoundUsageEventIds1795000000171 } from './1795000000171-bound-usage-event-ids';
import { AddOutboxRecordSupersession1795000000100 } from './1795000000100-add-outbox-record-supersession';
import { LeaveRoomForHotRollupUpdates1795000000180 } from './1795000000180-leave-room-for-hot-rollup-updates';
import { DistributeOnCitus1795000000190 } from './1795000000190-distribute-on-citus';
import { KeySubscriptionsByCustomer1795000000191 } from './1795000000191-key-subscriptions-by-customer';
import { KeyInvoicesCreditsAndAlertsByCustomer1795000000192 } from './1795000000192-key-invoices-credits-and-alerts-by-customer';
import { CreateGlobalKeyLookup1795000000193 } from './1795000000193-create-global-key-lookup';
import { UnlinkAlertRulesFromCustomers1795000000194 } from './1795000000194-unlink-alert-rules-from-customers';
import { DistributeOnCitus1795000000195 } from './1795000000195-distribute-on-citus';
import { AddCreditAvailableAt1795000000196 } from './1795000000196-add-credit-available-at';
import { ClaimInvoicingKeysInCode1795000000197 } from './1795000000197-claim-invoicing-keys-in-code';
import { ClaimSubscriptionIds1795000000198 } from './1795000000198-claim-subscription-ids';
import { AddMonthlyUsageRollups1795000000199 } from './1795000000199-add-monthly-usage-rollups';

/** Every migration, in order. Listed explicitly so that compiled and ts-jest runs load the same set. */
export const migrations = [
  CreateApiKeys1795000000001,
  CreateCatalog1795000000002,
  AddSubscriptionIdempotencyKey1795000000010,
  CreateUsageEvents1795000000020,
  CreateInvoicesAndCredits1795000000030,
  GuardInvoices1795000000031,
  AddPlanVersionAt1795000000036,
  CreateOutboxMessages1795000000060,
  AddCustomerEmailPreferences1795000000061,
  CreateAlerts1795000000070,
  SeedDefaultAlertRule1795000000071,
  CreateRevenueMonths1795000000090,
  MaintainCustomerMonthMrr1795000000091,
  AddOutboxRecordSupersession1795000000100,
  AddSpendCommitments1795000000130,
  AddCreditRollover1795000000131,
  BindUsagePerSubscription1795000000140,
  AddPlanVersionCurrencies1795000000141,
  AddCommitmentCurrencyOptions1795000000147,
  CreatePrepaidBlocks1795000000148,
  CreateEntitlements1795000000150,
  CreateUsagePages1795000000160,
  CreateUsagePageRateLimits1795000000161,
  CreateCreditNotes1795000000142,
  AddPlanChangesNow1795000000143,
  DateLicenceQuantities1795000000144,
  CreateCrmRecordIds1795000000120,
  CreateCrmDealOutcomes1795000000121,
  AddQuotaPressureRule1795000000151,
  MaintainMrrMovements1795000000170,
  BoundUsageEventIds1795000000171,
  LeaveRoomForHotRollupUpdates1795000000180,
  DistributeOnCitus1795000000190,
  KeySubscriptionsByCustomer1795000000191,
  KeyInvoicesCreditsAndAlertsByCustomer1795000000192,
  CreateGlobalKeyLookup1795000000193,
  UnlinkAlertRulesFromCustomers1795000000194,
  DistributeOnCitus1795000000195,
  AddCreditAvailableAt1795000000196,
  ClaimInvoicingKeysInCode1795000000197,
  ClaimSubscriptionIds1795000000198,
  AddMonthlyUsageRollups1795000000199,
];
