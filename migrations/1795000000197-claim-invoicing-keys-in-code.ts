import { MigrationInterface, QueryRunner } from 'typeorm';
import { createClaimTriggers, dropClaimTriggers } from './1795000000193-create-global-key-lookup';

/**
 * Invoice and credit note numbers and credit note idempotency keys are claimed
 * in global_keys by the invoicing code now (InvoiceRepository.finalize,
 * CreditNotesService.issue, CreditNoteRepository.insert), in the writing
 * transaction, so the triggers of migration 1795000000193 go: on Citus a
 * trigger writing another distributed table needs citus.enable_unsafe_triggers.
 */
export class ClaimInvoicingKeysInCode1795000000197 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await dropClaimTriggers(db);
  }

  async down(db: QueryRunner): Promise<void> {
    await createClaimTriggers(db);
  }
}
