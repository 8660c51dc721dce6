import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Queryable } from '../database/transaction';
import { OutboxService } from '../outbox/outbox.service';
import { CustomerRequestSignal } from './crm-payload';
import { overwrittenRecord } from './crm-supersession';
import {
  alertMessages,
  creditNoteMessage,
  CrmMessage,
  customerRequestMessages,
  FinalizedInvoiceFacts,
  FiredAlert,
  invoiceMessage,
  IssuedCreditNoteFacts,
} from './crm-signals';

/**
 * How producers (alerts, invoicing, the usage page) hand the CRM its work: outbox rows in
 * their own transaction, unique per alert/invoice and record, so a retried
 * producer enqueues nothing twice. With CRM_PROVIDER=none nothing is written.
 */
@Injectable()
export class CrmOutbox {
  constructor(
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  enqueueAlert(tx: Queryable, alert: FiredAlert): Promise<void> {
    return this.enqueue(tx, alertMessages(alert));
  }

  enqueueInvoices(tx: Queryable, invoices: readonly FinalizedInvoiceFacts[]): Promise<void> {
    return this.enqueue(tx, invoices.map(invoiceMessage));
  }

  enqueueCreditNote(tx: Queryable, note: IssuedCreditNoteFacts): Promise<void> {
    return this.enqueue(tx, [creditNoteMessage(note)]);
  }

  enqueueCustomerRequest(
    tx: Queryable,
    customerId: string,
    request: CustomerRequestSignal,
  ): Promise<void> {
    return this.enqueue(tx, customerRequestMessages(customerId, request));
  }

  private async enqueue(tx: Queryable, messages: CrmMessage[]): Promise<void> {
    if (this.config.crm.provider === 'none') return;
    for (const message of messages) {
      const record = overwrittenRecord(message.payload);
      await this.outbox.enqueue(tx, { channel: 'crm', ...message, ...(record && { record }) });
    }
  }
}
