import { Injectable } from '@nestjs/common';

/**
 * Called with the customers whose subscriptions or quotas just changed, or
 * with null when any customer's may have (a plan version's quotas); must
 * return at once.
 */
export type CustomerChangeListener = (customerIds: readonly string[] | null) => void;

/**
 * Tells in-process caches of a customer's subscriptions (the entitlement
 * check's) that they changed, after the change is committed, so the next read
 * is exact. The modules that change subscriptions publish; the caches
 * subscribe at start-up, so neither imports the other.
 */
@Injectable()
export class CustomerListeners {
  private readonly listeners: CustomerChangeListener[] = [];

  subscribe(listener: CustomerChangeListener): void {
    this.listeners.push(listener);
  }

  changed(customerIds: readonly string[] | null): void {
    for (const listener of this.listeners) listener(customerIds);
  }
}
