import { BillingRunResult } from '../billing-run.service';

export function toBillingRunResponse(result: BillingRunResult) {
  return {
    invoicesCreated: result.invoicesCreated,
    invoicesFinalized: result.invoicesFinalized,
    asOf: result.asOf.toISOString(),
    billedUntil: result.billedUntil.toISOString(),
    subscriptionsSkipped: result.subscriptionsSkipped,
    failures: result.failures.map((failure) => ({
      subscriptionId: failure.subscriptionId,
      periodStart: failure.periodStart.toISOString(),
      message: failure.message,
    })),
  };
}
