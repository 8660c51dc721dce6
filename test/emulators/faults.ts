/**
 * A CRM having a bad day: wraps an emulator's HTTP server so that about half
 * of the calls fail, in one of the ways a real API fails, chosen by a seeded
 * generator so a run can be repeated:
 *
 *   429        "slow down", with Retry-After (seconds); nothing applied
 *   5xx        500, 502 or 503; nothing applied
 *   drop       the connection is closed before the emulator sees the request
 *   lost       the emulator applies the call, then the connection is closed
 *   stall      the emulator applies the call, its answer comes after the
 *              client's timeout (the client has given up by then)
 *
 *   const faults = injectFaults(hs.httpServer, { vendor: 'hubspot', seed: 7, stallMs: 1500 });
 *   faults.counts();   // how many calls met each fault
 *   faults.stop();     // every call answers normally again
 */
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Random } from '../support/fuzz';

export type InjectedFault = '429' | '5xx' | 'drop' | 'lost' | 'stall';

const FAULTS: readonly InjectedFault[] = ['429', '5xx', 'drop', 'lost', 'stall'];
const SERVER_ERRORS = [500, 502, 503] as const;

export interface FaultOptions {
  /** Whose error bodies to answer with. */
  vendor: 'hubspot' | 'salesforce';
  seed: number;
  /** Share of the calls that fail; 0.5 by default. */
  rate?: number;
  /** The faults to choose from; all of them by default. */
  kinds?: readonly InjectedFault[];
  /** How long a stalled answer is held: longer than the client's timeout. */
  stallMs: number;
  /** The Retry-After of a 429, in whole seconds; 1 by default. */
  retryAfterSeconds?: number;
}

export interface FaultInjection {
  /** Calls that met each fault so far, and calls answered normally (`none`). */
  counts(): Record<InjectedFault | 'none', number>;
  /** Calls are answered by the emulator alone from now on. */
  stop(): void;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export function injectFaults(server: Server, options: FaultOptions): FaultInjection {
  const random = new Random(options.seed);
  const rate = options.rate ?? 0.5;
  const kinds = options.kinds ?? FAULTS;
  const counts = { none: 0, '429': 0, '5xx': 0, drop: 0, lost: 0, stall: 0 };
  const handlers = server.listeners('request') as Handler[];
  server.removeAllListeners('request');
  const handle: Handler = (req, res) => {
    for (const handler of handlers) handler.call(server, req, res);
  };
  const faulty = (req: IncomingMessage, res: ServerResponse) => {
    // Drawn for every call, so the sequence of faults depends on the seed alone.
    const failing = random.next() < rate;
    const fault = random.pick(kinds);
    const status = random.pick(SERVER_ERRORS);
    if (!failing) {
      counts.none += 1;
      return handle(req, res);
    }
    counts[fault] += 1;
    switch (fault) {
      case '429':
        return answer(req, res, 429, BODIES[options.vendor].tooManyRequests, {
          'retry-after': String(options.retryAfterSeconds ?? 1),
        });
      case '5xx':
        return answer(req, res, status, BODIES[options.vendor].serverError(status), {});
      case 'drop':
        req.socket.destroy();
        return;
      case 'lost':
        res.writeHead = () => res;
        res.end = () => {
          req.socket.destroy();
          return res;
        };
        return handle(req, res);
      case 'stall':
        holdAnswer(res, options.stallMs);
        return handle(req, res);
    }
  };
  server.on('request', faulty);
  let stopped = false;
  return {
    counts: () => ({ ...counts }),
    stop: () => {
      if (stopped) return;
      stopped = true;
      server.off('request', faulty);
      for (const handler of handlers) server.on('request', handler);
    },
  };
}

/** Answers once the request body is read, as a server in front of the API would. */
function answer(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string>,
): void {
  req.resume();
  req.on('end', () => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
    res.end(body);
  });
}

/** The emulator's answer is written, but only reaches the socket after `ms`. */
function holdAnswer(res: ServerResponse, ms: number): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let head: unknown[] = [];
  res.writeHead = ((...args: unknown[]) => {
    head = args;
    return res;
  }) as typeof res.writeHead;
  res.end = ((...args: unknown[]) => {
    setTimeout(() => {
      if (res.socket?.destroyed ?? true) return;
      if (head.length > 0) writeHead(...head);
      end(...args);
    }, ms);
    return res;
  }) as typeof res.end;
}

/**
 * Error bodies as each vendor sends them. HubSpot's 429 ("Rate limits",
 * https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details):
 * `{"status":"error","message":"You have reached your ten_secondly_rolling limit.",
 * "errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING"}` with Retry-After;
 * its 5xx carry the same error object. Salesforce's REST errors are a list of
 * `{message, errorCode}` (REST API Developer Guide, "Status Codes and Error
 * Responses": https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm);
 * Salesforce itself never answers 429 (its limit is a 403), but a gateway in
 * front of it may.
 */
const BODIES = {
  hubspot: {
    tooManyRequests: JSON.stringify({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
    }),
    serverError: (status: number) =>
      JSON.stringify({
        status: 'error',
        message: `internal error (${status})`,
        category: 'INTERNAL_ERROR',
      }),
  },
  salesforce: {
    tooManyRequests: JSON.stringify([
      { message: 'Too many requests', errorCode: 'TOO_MANY_REQUESTS' },
    ]),
    serverError: (status: number) =>
      JSON.stringify([
        status === 500
          ? { message: 'An unexpected error occurred.', errorCode: 'UNKNOWN_EXCEPTION' }
          : { message: 'Service temporarily unavailable', errorCode: 'SERVER_UNAVAILABLE' },
      ]),
  },
};
