import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Decimal } from '../common/decimal';
import { AppConfig } from '../config/app-config';
import { BatchOutcome, PermanentDeliveryError } from '../outbox/outbox-handler';
import { OutboxMessage } from '../outbox/outbox-message';
import { CrmAccountFigures } from './crm-account-figures.service';
import { toDeliveryError, recordError } from './crm-delivery-errors';
import { CreditNotePayload, CrmPayload, CrmPayloadKind, crmPayloadSchema } from './crm-payload';
import {
  AccountUsageProperties,
  CrmAccount,
  CrmInvoice,
  CrmProvider,
  ExpansionOpportunity,
  RecordFailure,
  UpsellTask,
} from './crm-provider';
import { CRM_PROVIDER } from './crm-provider.token';
import {
  expansionOpportunity,
  RecordSubject,
  requestOpportunity,
  requestTask,
  upsellTask,
} from './crm-records';
import { CrmInvoiceRow } from './crm-invoice-reads.port';
import { ACCOUNT_ID_FIELD, CrmCustomer, CrmSyncSources } from './crm-sync-sources.service';

/** The messages that update account properties: an alert's, and an invoice's after a billing run. */
const PROPERTY_KINDS = new Set<CrmPayloadKind>(['account_properties', 'invoice']);

/** The messages that make records assigned to the account's owner. */
const OWNED_KINDS = new Set<CrmPayloadKind>([
  'upsell_task',
  'expansion_opportunity',
  'request_task',
  'request_opportunity',
]);

interface Parsed {
  id: string;
  payload: CrmPayload;
}

/** A record to push and the messages it carries: they share its outcome. */
interface Entry<R> {
  key: string;
  record: R;
  messageIds: string[];
}

/**
 * Turns a batch of `crm` outbox messages into as few provider calls as it can:
 * one account lookup for all their customers, then one batch call per kind of
 * record (the adapters split at their provider's batch limit). Every record is
 * an upsert by our own key, so re-delivering a message after a lost response
 * changes nothing.
 */
@Injectable()
export class CrmSyncService {
  constructor(
    @Inject(CRM_PROVIDER) private readonly provider: CrmProvider | null,
    private readonly repository: CrmSyncSources,
    private readonly config: AppConfig,
    private readonly figures: CrmAccountFigures,
  ) {}

  async sync(messages: readonly OutboxMessage[]): Promise<Map<string, BatchOutcome>> {
    const failures = new Map<string, unknown>();
    const fail = (ids: readonly string[], error: unknown) => {
      for (const id of ids) if (!failures.has(id)) failures.set(id, toDeliveryError(error));
    };
    const provider = this.provider;
    if (!provider) throw new PermanentDeliveryError('CRM_PROVIDER is none');
    const parsed = this.parse(messages, fail);
    const customers = await this.repository.customers([
      ...new Set(parsed.map((m) => m.payload.customerId)),
    ]);
    const subjects = await this.subjects(provider, parsed, customers, fail);
    const ready = parsed.filter((m) => !failures.has(m.id));
    const invoices = await this.repository.invoices(
      ready.flatMap((m) => (m.payload.kind === 'invoice' ? [m.payload.invoiceId] : [])),
    );
    const lastTotals = await this.repository.latestInvoiceTotals([
      ...new Set(
        ready.flatMap((m) => (m.payload.kind === 'invoice' ? [m.payload.customerId] : [])),
      ),
    ]);
    const invoiceEntries: Entry<CrmInvoice>[] = [];
    for (const message of ready) {
      if (message.payload.kind === 'credit_note')
        invoiceEntries.push(this.creditNoteEntry(message, message.payload.creditNote, subjects));
      if (message.payload.kind !== 'invoice') continue;
      const invoice = invoices.get(message.payload.invoiceId);
      if (!invoice) fail([message.id], new PermanentDeliveryError('no finalized invoice'));
      else invoiceEntries.push(this.invoiceEntry(message, invoice, subjects));
    }
    const live = <R>(entries: Entry<R>[]) =>
      entries.filter((entry) => entry.messageIds.some((id) => !failures.has(id)));
    const withProperties = new Set(
      ready.filter((m) => PROPERTY_KINDS.has(m.payload.kind)).map((m) => m.payload.customerId),
    );
    const figures = await this.figures.of(
      [...subjects.values()]
        .filter((subject) => withProperties.has(subject.customerId))
        .map((subject) => ({ id: subject.customerId, externalId: subject.externalId })),
    );
    // Properties first: a company must carry the numbers before a task points sales at it.
    await this.push(
      live(this.propertyEntries(ready, subjects, invoices, lastTotals, figures)),
      (records) => provider.updateAccountProperties(records),
      fail,
    );
    await this.push(
      live(this.opportunityEntries(ready, subjects)),
      (records) => provider.upsertOpportunities(records),
      fail,
    );
    await this.push(
      live(this.taskEntries(ready, subjects)),
      (records) => provider.upsertTasks(records),
      fail,
    );
    await this.push(live(invoiceEntries), (records) => provider.upsertInvoices(records), fail);
    return new Map(
      messages.map((m): [string, BatchOutcome] =>
        failures.has(m.id)
          ? [m.id, { status: 'failed', error: failures.get(m.id) }]
          : [m.id, { status: 'sent' }],
      ),
    );
  }

  private parse(
    messages: readonly OutboxMessage[],
    fail: (ids: string[], error: unknown) => void,
  ): Parsed[] {
    return messages.flatMap((message) => {
      const parsed = crmPayloadSchema.safeParse(message.payload);
      if (parsed.success) return [{ id: message.id, payload: parsed.data }];
      fail(
        [message.id],
        new PermanentDeliveryError(`not a CRM message: ${z.prettifyError(parsed.error)}`),
      );
      return [];
    });
  }

  /**
   * The account of each customer. A stored id is trusted as it is for
   * properties and invoices; tasks and deals need the owner, so their
   * customers are looked up (one batch call for all of them).
   */
  private async subjects(
    provider: CrmProvider,
    messages: readonly Parsed[],
    customers: ReadonlyMap<string, CrmCustomer>,
    fail: (ids: string[], error: unknown) => void,
  ): Promise<Map<string, RecordSubject>> {
    const field = ACCOUNT_ID_FIELD[provider.name];
    const needsOwner = new Set(
      messages.filter((m) => OWNED_KINDS.has(m.payload.kind)).map((m) => m.payload.customerId),
    );
    const accounts = new Map<string, CrmAccount | null>();
    const lookups: CrmCustomer[] = [];
    for (const customer of customers.values()) {
      const stored = customer[field];
      if (stored && !needsOwner.has(customer.id))
        accounts.set(customer.id, { id: stored, ownerId: null, created: false });
      else lookups.push(customer);
    }
    if (lookups.length > 0) {
      try {
        const found = await provider.resolveAccounts(
          lookups.map((customer) => ({
            customerId: customer.id,
            externalId: customer.externalId,
            name: customer.name,
            domain: customer.domain,
            crmAccountId: customer[field],
          })),
        );
        for (const [customerId, account] of found) accounts.set(customerId, account);
      } catch (error) {
        const ids = new Set(lookups.map((customer) => customer.id));
        fail(
          messages.filter((m) => ids.has(m.payload.customerId)).map((m) => m.id),
          error,
        );
      }
      await this.repository.storeAccountIds(
        provider.name,
        new Map(
          lookups.flatMap((customer) => {
            const account = accounts.get(customer.id);
            return account && account.id !== customer[field] ? [[customer.id, account.id]] : [];
          }),
        ),
      );
    }
    const subjects = new Map<string, RecordSubject>();
    for (const message of messages) {
      const customer = customers.get(message.payload.customerId);
      const account = accounts.get(message.payload.customerId);
      if (!customer) {
        fail([message.id], new PermanentDeliveryError(`no customer ${message.payload.customerId}`));
      } else if (account) {
        subjects.set(customer.id, { ...customer, customerId: customer.id, account });
      } else if (account === null) {
        // Dead, not skipped: an operator can set the customer's domain or CRM id and replay.
        fail(
          [message.id],
          new PermanentDeliveryError(
            `no ${provider.name} account matches customer '${customer.externalId}' (set crm.domain or the account id, or CRM_CREATE_MISSING_ACCOUNTS)`,
          ),
        );
      }
    }
    return subjects;
  }

  /**
   * One update per account: the messages' properties merged, later ones
   * winning, plus the figures read now: the latest invoice total (not the
   * total of the invoice at hand, which a retry may deliver after a later
   * one), MRR and credit.
   */
  private propertyEntries(
    messages: readonly Parsed[],
    subjects: ReadonlyMap<string, RecordSubject>,
    invoices: ReadonlyMap<string, unknown>,
    lastTotals: ReadonlyMap<string, string>,
    figures: ReadonlyMap<string, AccountUsageProperties['properties']>,
  ): Entry<AccountUsageProperties>[] {
    const byAccount = new Map<string, Entry<AccountUsageProperties>>();
    for (const { id, payload } of messages) {
      const subject = subjects.get(payload.customerId);
      const properties =
        payload.kind === 'account_properties'
          ? payload.properties
          : payload.kind === 'invoice' &&
              invoices.has(payload.invoiceId) &&
              lastTotals.has(payload.customerId)
            ? { lastInvoiceTotal: lastTotals.get(payload.customerId)! }
            : null;
      if (!subject || !properties) continue;
      const accountId = subject.account.id;
      const entry = byAccount.get(accountId) ?? {
        key: accountId,
        record: { accountId, properties: {} },
        messageIds: [],
      };
      entry.record.properties = {
        ...entry.record.properties,
        ...properties,
        ...figures.get(payload.customerId),
      };
      entry.messageIds.push(id);
      byAccount.set(accountId, entry);
    }
    return [...byAccount.values()];
  }

  /** One deal per customer and reason: of several signals in a batch, the latest sets the numbers. */
  private opportunityEntries(
    messages: readonly Parsed[],
    subjects: ReadonlyMap<string, RecordSubject>,
  ): Entry<ExpansionOpportunity>[] {
    const byKey = new Map<string, Entry<ExpansionOpportunity> & { at: string }>();
    for (const { id, payload } of messages) {
      const subject = subjects.get(payload.customerId);
      if (!subject) continue;
      const publicUrl = this.config.publicUrl;
      const made =
        payload.kind === 'expansion_opportunity'
          ? {
              record: expansionOpportunity(payload.signal, payload.reason, subject, publicUrl),
              at: payload.signal.firedAt,
            }
          : payload.kind === 'request_opportunity'
            ? {
                record: requestOpportunity(payload.request, subject, publicUrl),
                at: payload.request.requestedAt,
              }
            : null;
      if (!made) continue;
      const { record, at } = made;
      const previous = byKey.get(record.externalKey);
      const latest = !previous || at >= previous.at;
      byKey.set(record.externalKey, {
        key: record.externalKey,
        record: latest ? record : previous.record,
        at: latest ? at : previous.at,
        messageIds: [...(previous?.messageIds ?? []), id],
      });
    }
    return [...byKey.values()];
  }

  private taskEntries(
    messages: readonly Parsed[],
    subjects: ReadonlyMap<string, RecordSubject>,
  ): Entry<UpsellTask>[] {
    return messages.flatMap(({ id, payload }) => {
      const subject = subjects.get(payload.customerId);
      if (!subject) return [];
      const record =
        payload.kind === 'upsell_task'
          ? upsellTask(payload.signal, subject, this.config.publicUrl)
          : payload.kind === 'request_task'
            ? requestTask(payload.request, subject, this.config.publicUrl)
            : null;
      return record ? [{ key: record.externalKey, record, messageIds: [id] }] : [];
    });
  }

  private invoiceEntry(
    message: Parsed,
    invoice: CrmInvoiceRow,
    subjects: ReadonlyMap<string, RecordSubject>,
  ): Entry<CrmInvoice> {
    const subject = subjects.get(message.payload.customerId)!;
    return {
      key: invoice.number,
      messageIds: [message.id],
      record: {
        number: invoice.number,
        documentType: 'invoice',
        creditedInvoiceNumber: null,
        accountId: subject.account.id,
        status: invoice.status,
        currency: invoice.currency,
        total: invoice.total,
        periodStart: invoice.periodStart,
        periodEnd: invoice.periodEnd,
        url: `${this.config.publicUrl}/v1/invoices/${invoice.id}`,
      },
    };
  }

  /** A credit note as an invoice-like record: its own number, the credited invoice, a negated total. */
  private creditNoteEntry(
    message: Parsed,
    note: CreditNotePayload,
    subjects: ReadonlyMap<string, RecordSubject>,
  ): Entry<CrmInvoice> {
    const subject = subjects.get(message.payload.customerId)!;
    return {
      key: note.number,
      messageIds: [message.id],
      record: {
        number: note.number,
        documentType: 'credit_note',
        creditedInvoiceNumber: note.creditedInvoiceNumber,
        accountId: subject.account.id,
        status: 'issued',
        currency: note.currency,
        total: new Decimal(note.total).negated().toString(),
        periodStart: new Date(note.periodStart),
        periodEnd: new Date(note.periodEnd),
        url: `${this.config.publicUrl}/v1/credit-notes/${note.id}`,
      },
    };
  }

  /** One provider call for the records; its failures land on the messages behind them. */
  private async push<R>(
    entries: readonly Entry<R>[],
    call: (records: R[]) => Promise<RecordFailure[]>,
    fail: (ids: string[], error: unknown) => void,
  ): Promise<void> {
    if (entries.length === 0) return;
    try {
      const failed = await call(entries.map((entry) => entry.record));
      const byKey = new Map(entries.map((entry) => [entry.key, entry]));
      for (const failure of failed) {
        fail(byKey.get(failure.key)?.messageIds ?? [], recordError(failure));
      }
    } catch (error) {
      fail(
        entries.flatMap((entry) => entry.messageIds),
        error,
      );
    }
  }
}
