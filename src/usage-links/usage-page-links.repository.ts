import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { claimGlobalKeys, GlobalKey, releaseGlobalKeys } from '../database/global-key-lookup';
import { inTransaction, Queryable } from '../database/transaction';

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

const digestKey = (digest: Buffer): GlobalKey => ({
  kind: 'usage_page_token_digest',
  key: digest.toString('hex'),
});

/** A token's digest is unique across customers: claimed in global_keys, in the transaction that stores it. */
async function claimDigest(tx: Queryable, customerId: string, digest: Buffer): Promise<void> {
  if ((await claimGlobalKeys(tx, customerId, [digestKey(digest)])).length > 0) {
    throw new Error('a new usage page token collided with an existing one');
  }
}

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
    const digest = tokenDigest(token);
    return inTransaction(this.db, async (tx) => {
      const rows: LinkRow[] = await tx.query(
        // DO UPDATE (a no-op) rather than DO NOTHING plus a SELECT: the SELECT would
        // read the statement's snapshot, taken before a concurrent first use
        // committed its row, and find nothing; DO UPDATE waits and returns that row.
        `INSERT INTO usage_page_links (customer_id, token, token_digest, created_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (customer_id) DO UPDATE SET token = usage_page_links.token
         RETURNING ${COLUMNS}`,
        [customerId, token, digest, now.toISOString()],
      );
      // Only the first use stored our token; a later one returned the stored link.
      if (rows[0].token === token) await claimDigest(tx, customerId, digest);
      return toLink(rows[0]);
    });
  }

  /** A new token for the customer; the old one stops working at once. */
  async rotate(customerId: string, now: Date): Promise<UsagePageLink> {
    const token = newToken();
    const digest = tokenDigest(token);
    return inTransaction(this.db, async (tx) => {
      const old: Array<{ token_digest: Buffer }> = await tx.query(
        'SELECT token_digest FROM usage_page_links WHERE customer_id = $1 FOR UPDATE',
        [customerId],
      );
      const rows: LinkRow[] = await tx.query(
        `INSERT INTO usage_page_links (customer_id, token, token_digest, created_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (customer_id) DO UPDATE
           SET token = excluded.token, token_digest = excluded.token_digest, created_at = excluded.created_at
         RETURNING ${COLUMNS}`,
        [customerId, token, digest, now.toISOString()],
      );
      await releaseGlobalKeys(
        tx,
        customerId,
        old.map((row) => digestKey(row.token_digest)),
      );
      await claimDigest(tx, customerId, digest);
      return toLink(rows[0]);
    });
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
