/**
 * The one error catalogue. Every error a caller can see carries one of these reasons (an AIP-193
 * `ErrorInfo.reason`) and the gRPC code listed here. `test/errors.test.ts` keeps the README's
 * catalogue in sync with this table.
 */

/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html), kept here so the core needs no grpc import. */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  FAILED_PRECONDITION: 9,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCodeName = keyof typeof GrpcCode;

/** Reason -> [gRPC code, what it means]. The text is the catalogue the README documents. */
export const ERROR_CATALOGUE = {
  INDICATOR_EMPTY: ['INVALID_ARGUMENT', 'The item value is empty or only white space.'],
  INDICATOR_TOO_LONG: ['INVALID_ARGUMENT', 'The item value is longer than the configured maximum for its type.'],
  INDICATOR_TYPE_UNKNOWN: [
    'INVALID_ARGUMENT',
    'The value is not a domain, URL, IP address, email address or file hash.',
  ],
  INDICATOR_TYPE_MISMATCH: ['INVALID_ARGUMENT', 'The value does not parse as the type the caller asserted.'],
  INDICATOR_TYPE_UNSUPPORTED: ['UNIMPLEMENTED', 'The type is recognised (e.g. a file hash) but no model scores it.'],
  INVALID_DOMAIN: ['INVALID_ARGUMENT', 'The value is not a valid domain name; the message says which rule it breaks.'],
  INVALID_URL: ['INVALID_ARGUMENT', 'The value is not a usable URL; the message says why.'],
  INVALID_IP: ['INVALID_ARGUMENT', 'The value is not a valid IPv4/IPv6 address or CIDR network.'],
  INVALID_EMAIL_ADDRESS: ['INVALID_ARGUMENT', 'The value is not a valid email address.'],
  INVALID_EMAIL_MESSAGE: ['INVALID_ARGUMENT', 'The bytes are not an RFC 5322 message that can be parsed.'],
  EMAIL_TOO_LARGE: ['INVALID_ARGUMENT', 'The raw message is larger than the configured maximum.'],
  EMAIL_PARSE_TIMEOUT: ['DEADLINE_EXCEEDED', 'Parsing the message took longer than the configured limit.'],
  EMAIL_QUEUE_FULL: [
    'RESOURCE_EXHAUSTED',
    'Too many messages are waiting to be parsed; retry after the delay in the RetryInfo detail.',
  ],
  CALL_CANCELLED: ['CANCELLED', 'The caller cancelled the call before this item was answered.'],
  BATCH_TOO_LARGE: ['INVALID_ARGUMENT', 'The request holds more items than the configured maximum per batch.'],
  RESPONSE_TOO_LARGE: [
    'RESOURCE_EXHAUSTED',
    'The answer would exceed the message size limit even in the compact view (e.g. very long ids): send fewer items.',
  ],
  MALFORMED_REQUEST: [
    'INVALID_ARGUMENT',
    "The request message is not a valid protobuf encoding of the RPC's request type (the message says where).",
  ],
  MODEL_UNAVAILABLE: ['UNAVAILABLE', 'No ready model version can score this type right now.'],
  MODEL_NOT_FOUND: ['NOT_FOUND', 'No model of that name is in the repository.'],
  MODEL_VERSION_NOT_FOUND: ['NOT_FOUND', 'A pin names a model or version that is not in the repository.'],
  ADMIN_RPC_DISABLED: [
    'PERMISSION_DENIED',
    'Admin RPCs (ReloadModels) are disabled; start the server with --admin-rpc true.',
  ],
  CREDENTIALS_REJECTED: [
    'UNAUTHENTICATED',
    'The call carries no credentials the server accepts: no bearer token, or one it does not know.',
  ],
  SCOPE_MISSING: [
    'PERMISSION_DENIED',
    "The caller's identity lacks the scope this RPC needs (predict, models.read or models.admin); ErrorInfo names it.",
  ],
  QUOTA_EXCEEDED: [
    'RESOURCE_EXHAUSTED',
    "The caller's identity used up its call or item quota; retry after the delay in the RetryInfo detail.",
  ],
  DEADLINE_EXCEEDED: ['DEADLINE_EXCEEDED', 'The call deadline passed before the answer was ready.'],
  INTERNAL: ['INTERNAL', 'An unexpected server error; the cause is logged, not sent.'],
} as const satisfies Record<string, readonly [GrpcCodeName, string]>;

export type ErrorReason = keyof typeof ERROR_CATALOGUE;

/** The error domain sent in ErrorInfo. */
export const ERROR_DOMAIN = 'threatpredict.v1';

/** A caller-visible error: a reason from the catalogue, a specific message, and the values it mentions. */
export class PredictError extends Error {
  readonly reason: ErrorReason;
  readonly metadata: Readonly<Record<string, string>>;
  /** When set, the caller may retry after this long (a google.rpc.RetryInfo detail). */
  readonly retryDelayMs: number | undefined;

  constructor(reason: ErrorReason, message: string, metadata: Record<string, string> = {}, retryDelayMs?: number) {
    super(message);
    this.name = 'PredictError';
    this.reason = reason;
    this.metadata = metadata;
    this.retryDelayMs = retryDelayMs;
  }

  get code(): number {
    return GrpcCode[ERROR_CATALOGUE[this.reason][0]];
  }
}

/** Shorthand used by parsers, which return errors per item instead of throwing them. */
export function itemError(reason: ErrorReason, message: string, metadata: Record<string, string> = {}): PredictError {
  return new PredictError(reason, message, metadata);
}

/** Maps anything thrown to a caller-visible error; unknown causes become INTERNAL with a fixed message. */
export function toPredictError(err: unknown): PredictError {
  if (err instanceof PredictError) return err;
  return new PredictError('INTERNAL', 'internal error');
}
