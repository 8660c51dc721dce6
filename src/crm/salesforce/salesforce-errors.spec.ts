import { CrmPermanentError, CrmRateLimitedError, CrmTransientError } from '../crm-provider';
import { recordFailures, toCrmError } from './salesforce-errors';

/** What jsforce's HttpApiError looks like: the code in errorCode and name. */
function apiError(errorCode: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { name: errorCode, errorCode });
}

describe('Salesforce error classification', () => {
  it.each([
    ['REQUEST_LIMIT_EXCEEDED', CrmRateLimitedError],
    ['UNKNOWN_EXCEPTION', CrmTransientError],
    ['SERVER_UNAVAILABLE', CrmTransientError],
    ['ERROR_HTTP_503', CrmTransientError],
    ['INVALID_SESSION_ID', CrmPermanentError],
    ['sf:INVALID_SESSION_ID', CrmPermanentError],
    ['INVALID_FIELD', CrmPermanentError],
    ['invalid_client', CrmPermanentError],
  ])('%s → %p', (code, type) => {
    expect(toCrmError(apiError(code))).toBeInstanceOf(type);
  });

  it('keeps errors the transport already typed', () => {
    const limited = new CrmRateLimitedError(7_000);
    expect(toCrmError(limited)).toBe(limited);
  });

  it('reports per-record failures by key, retriable only for lock-like codes', () => {
    expect(
      recordFailures(
        ['a', 'b', 'c'],
        [
          { success: true, errors: [] },
          { success: false, errors: [{ statusCode: 'UNABLE_TO_LOCK_ROW', message: 'locked' }] },
          { success: false, errors: [{ statusCode: 'INVALID_FIELD', message: 'No such column' }] },
        ],
      ),
    ).toEqual([
      { key: 'b', message: 'UNABLE_TO_LOCK_ROW: locked', retriable: true },
      { key: 'c', message: 'INVALID_FIELD: No such column', retriable: false },
    ]);
  });

  it('treats a result count that does not match the records as transient', () => {
    expect(() => recordFailures(['a'], [])).toThrow(CrmTransientError);
  });
});
