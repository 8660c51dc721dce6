import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Who receives a customer's e-mails, in which language, and whether they take usage warnings. */
export interface Recipient {
  name: string;
  email: string | null;
  locale: string;
  optedOut: boolean;
  unsubscribeToken: string;
}

interface RecipientRow {
  name: string;
  email: string | null;
  locale: string;
  email_opt_out: boolean;
  unsubscribe_token: string;
}

const COLUMNS = 'name, email, locale, email_opt_out, unsubscribe_token';

function toRecipient(row: RecipientRow): Recipient {
  return {
    name: row.name,
    email: row.email,
    locale: row.locale,
    optedOut: row.email_opt_out,
    unsubscribeToken: row.unsubscribe_token,
  };
}

/** A customer: by id (outbox payloads), by the key the API uses, or by an unsubscribe link's token. */
export type CustomerKey = { id: string } | { externalId: string } | { unsubscribeToken: string };

/**
 * The e-mail columns of `customers` (added by the notifications' migration):
 * what notifications read to address a customer and store from their
 * preferences, kept here as this module owns the table.
 */
@Injectable()
export class EmailPreferencesRepository {
  constructor(private readonly db: DataSource) {}

  async find(key: CustomerKey): Promise<Recipient | null> {
    const [column, value] = keyColumn(key);
    const rows: RecipientRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM customers WHERE ${column} = $1`,
      [value],
    );
    return rows[0] ? toRecipient(rows[0]) : null;
  }

  async setOptOut(key: CustomerKey, optOut: boolean): Promise<Recipient | null> {
    const [column, value] = keyColumn(key);
    const rows: RecipientRow[] = await this.db.query(
      // TypeORM answers a bare UPDATE with [rows, count]; a CTE keeps the answer a row list.
      `WITH updated AS (
         UPDATE customers SET email_opt_out = $2 WHERE ${column} = $1 RETURNING ${COLUMNS}
       )
       SELECT * FROM updated`,
      [value, optOut],
    );
    return rows[0] ? toRecipient(rows[0]) : null;
  }
}

function keyColumn(key: CustomerKey): ['id' | 'external_id' | 'unsubscribe_token', string] {
  if ('id' in key) return ['id', key.id];
  if ('externalId' in key) return ['external_id', key.externalId];
  return ['unsubscribe_token', key.unsubscribeToken];
}
