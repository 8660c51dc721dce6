import { Injectable } from '@nestjs/common';

/** Called with the customers whose usage an ingest just changed; must return at once. */
export type UsageMovedListener = (customerIds: readonly string[]) => void;

/**
 * Tells interested modules (alert rules) which customers' usage moved, after
 * the ingest transaction commits. They subscribe at start-up, so metering needs
 * no import of them.
 */
@Injectable()
export class UsageMoved {
  private readonly listeners: UsageMovedListener[] = [];

  subscribe(listener: UsageMovedListener): void {
    this.listeners.push(listener);
  }

  publish(customerIds: readonly string[]): void {
    if (customerIds.length === 0) return;
    for (const listener of this.listeners) listener(customerIds);
  }
}
