import { toPlanChangeResponse } from '../../customers/dto/plan-change.response';
import { PlanChangeNow } from '../subscription-changes.service';
import { toCreditNoteResponse } from './credit-note.response';

/** A change now, as the API answers it: the change and the credit notes it issued. */
export function toPlanChangeNowResponse(change: PlanChangeNow) {
  return {
    ...toPlanChangeResponse(change),
    effective: 'now' as const,
    creditNotes: change.creditNotes.map(toCreditNoteResponse),
  };
}
