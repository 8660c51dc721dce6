import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

export interface UsagePageLink {
  customerId: string;
  token: string;
  createdAt: Date;
}

interface LinkRow {
  customer_id: string;
  token: string;
  created_at: Date;
}

/** 32 random bytes, base64url: 256 bits, unguessable, and safe in a URL path as it is. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The key a token is looked up by; hashing first makes the index comparison independent of the guess. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

const COLUMNS = 'customer_id, token, created_at';

function toLink(row: LinkRow): UsagePageLink {
  return { customerId: row.customer_id, token: row.token, createdAt: new Date(row.created_at) };
}

/** `usage_page_links`: one secret token per customer. */
@Injectable()
export class UsagePageLinksRepository {
  constructor(private readonly db: DataSource) {}

  /** The customer's link, created on first use; concurrent first uses agree on one token. */
  async findOrCreate(customerId: string, now: Date): Promise<UsagePageLink> {
    const token = newToken();
    const rows: LinkRow[] = await this.db.query(
      // DO UPDATE (a no-op) rather than DO NOTHING plus a SELECT: the SELECT would
      // read the statement's snapshot, taken before a concurrent first use
      // committed its row, and find nothing; DO UPDATE waits and returns that row.
      `INSERT INTO usage_page_links (customer_id, token, token_digest, created_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (customer_id) DO UPDATE SET token = usage_page_links.token
       RETURNING ${COLUMNS}`,
      [customerId, token, tokenDigest(token), now.toISOString()],
    );
    return toLink(rows[0]);
  }

  /** A new token for the customer; the old one stops working at once. */
  async rotate(customerId: string, now: Date): Promise<UsagePageLink> {
    const token = newToken();
    const rows: LinkRow[] = await this.db.query(
      `INSERT INTO usage_page_links (customer_id, token, token_digest, created_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (customer_id) DO UPDATE
         SET token = excluded.token, token_digest = excluded.token_digest, created_at = excluded.created_at
       RETURNING ${COLUMNS}`,
      [customerId, token, tokenDigest(token), now.toISOString()],
    );
    return toLink(rows[0]);
  }

  /** The customer a token belongs to. Every input takes the same path: digest, then one index probe. */
  async customerOf(token: string): Promise<string | null> {
    const rows: Array<{ customer_id: string }> = await this.db.query(
      'SELECT customer_id FROM usage_page_links WHERE token_digest = $1',
      [tokenDigest(token)],
    );
    return rows[0]?.customer_id ?? null;
  }
}
