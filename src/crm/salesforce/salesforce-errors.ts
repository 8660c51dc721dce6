/**
 * Turns what jsforce throws or returns into the port's error vocabulary.
 * HTTP-level failures (429, 5xx, network) are already typed by the transport;
 * here we read Salesforce error codes.
 */
import {
  CrmPermanentError,
  CrmRateLimitedError,
  CrmTransientError,
  RecordFailure,
} from '../crm-provider';
/** The first wait after REQUEST_LIMIT_EXCEEDED: calls must age out of a 24 h window. */
const LIMIT_BACKOFF_MS = 60_000;

/** Per-record codes that mean "busy, try again", not "this record is wrong". */
const RETRIABLE_RECORD_CODES = new Set([
  'UNABLE_TO_LOCK_ROW',
  'REQUEST_RUNNING_TOO_LONG',
  'UNKNOWN_EXCEPTION',
  'SERVER_UNAVAILABLE',
]);

const TRANSIENT_CALL_CODES = new Set([
  'UNKNOWN_EXCEPTION',
  'SERVER_UNAVAILABLE',
  'REQUEST_RUNNING_TOO_LONG',
]);

export type CrmError = CrmRateLimitedError | CrmTransientError | CrmPermanentError;

/** jsforce's HttpApiError and OAuth2 errors carry the code in errorCode or name. */
export function salesforceErrorCode(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const code =
    'errorCode' in error && typeof error.errorCode === 'string' ? error.errorCode : error.name;
  // SOAP faults are namespaced: "sf:INVALID_SESSION_ID".
  return code.replace(/^\w+:/, '');
}

export function isInvalidSession(error: unknown): boolean {
  return salesforceErrorCode(error) === 'INVALID_SESSION_ID';
}

export function toCrmError(error: unknown): CrmError {
  if (
    error instanceof CrmRateLimitedError ||
    error instanceof CrmTransientError ||
    error instanceof CrmPermanentError
  ) {
    return error;
  }
  const code = salesforceErrorCode(error);
  const message = `Salesforce: ${code ?? 'error'}: ${error instanceof Error ? error.message : String(error)}`;
  // REST answers it as a 403 (the transport backs off, growing); a SOAP fault lands here.
  if (code === 'REQUEST_LIMIT_EXCEEDED') return new CrmRateLimitedError(LIMIT_BACKOFF_MS, message);
  if (code !== null && (TRANSIENT_CALL_CODES.has(code) || /^ERROR_HTTP_5\d\d$/.test(code))) {
    return new CrmTransientError(message);
  }
  return new CrmPermanentError(message);
}

/** One element of an sObject Collections response, typed as narrowly as we read it. */
export interface CollectionResult {
  success: boolean;
  errors: { statusCode?: string; errorCode?: string; message: string; fields?: string[] }[];
}

/** Pairs each result with the key of the record at the same position. */
export function recordFailures(
  keys: readonly string[],
  results: readonly CollectionResult[],
): RecordFailure[] {
  if (results.length !== keys.length) {
    throw new CrmTransientError(
      `Salesforce returned ${results.length} results for ${keys.length} records`,
    );
  }
  return results.flatMap((result, i) => {
    if (result.success) return [];
    const codes = result.errors.map((e) => e.statusCode ?? e.errorCode ?? 'UNKNOWN');
    return [
      {
        key: keys[i],
        message: result.errors.map((e, j) => `${codes[j]}: ${e.message}`).join('; '),
        retriable: codes.length > 0 && codes.every((c) => RETRIABLE_RECORD_CODES.has(c)),
      },
    ];
  });
}
