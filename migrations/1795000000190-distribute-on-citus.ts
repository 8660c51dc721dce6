import { MigrationInterface } from 'typeorm';

/**
 * Kept for history: it placed the tables ready for Citus before the re-keying
 * migrations (191 to 194) ran, which would then have had to alter distributed
 * tables. Migration 1795000000195 places them once every key is ready; this
 * one does nothing, on Citus as on plain PostgreSQL.
 */
export class DistributeOnCitus1795000000190 implements MigrationInterface {
  async up(): Promise<void> {
    // Nothing: see 1795000000195-distribute-on-citus.
  }

  async down(): Promise<void> {
    // Nothing was done.
  }
}
