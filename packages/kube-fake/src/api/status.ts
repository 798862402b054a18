/**
 * The `metav1.Status` object the Kubernetes API server answers every failed request with, and the error
 * class that carries one through the fake.
 *
 * Shapes, reasons and messages follow `k8s.io/apimachinery/pkg/api/errors` (the `New…` constructors) so that
 * clients branching on `reason`, `code` or `details` behave as they do against a real cluster.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#response-status-kind
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/status/
 */

/** `metav1.StatusReason` values the fake produces. */
export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Expired'
  | 'Gone'
  | 'TooManyRequests'
  | 'InternalError'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'Timeout'
  | 'NotAcceptable';

/** One `StatusCause`: a field-level reason (`FieldValueInvalid`, `FieldValueForbidden`, …). */
export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

/** `metav1.StatusDetails`. For NotFound/AlreadyExists/Conflict `kind` is the resource (`nodes`); for Invalid the Kind (`Node`). */
export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number;
}

/** `metav1.Status`, the body of every error response (and of some successful deletes). */
export interface ApiStatus {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Success' | 'Failure';
  readonly message?: string;
  readonly reason?: StatusReason;
  readonly details?: StatusDetails;
  readonly code: number;
}

/** A group + resource pair, e.g. `{group: 'coordination.k8s.io', resource: 'leases'}`; `group` is `''` for core. */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

/** A group + kind pair, e.g. `{group: '', kind: 'Node'}`. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** `nodes`, or `leases.coordination.k8s.io` (as `schema.GroupResource.String()`). */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

/** `Node`, or `Lease.coordination.k8s.io` (as `schema.GroupKind.String()`). */
export function qualifiedKind(gk: GroupKind): string {
  return gk.group === '' ? gk.kind : `${gk.kind}.${gk.group}`;
}

/**
 * An API error: a failed request's `Status`. Thrown inside the fake and written to the client as the response
 * body with `status.code` as the HTTP status. `code` is the HTTP code and `reason` the stable `StatusReason`.
 */
export class KubeApiError extends Error {
  /** The HTTP status code (also `status.code`). */
  readonly code: number;
  /** The stable machine-readable reason. */
  readonly reason: StatusReason;
  /** The full `Status` body. */
  readonly status: ApiStatus;
  /** Whether the same request may succeed later unchanged (429, 500, 504). */
  readonly isRetryable: boolean;
  /** Extra response headers (`Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'KubeApiError';
    this.code = code;
    this.reason = reason;
    this.isRetryable = code === 429 || code === 500 || code === 504;
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details === undefined ? {} : { details }),
      code,
    };
    this.headers =
      details?.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(details.retryAfterSeconds) };
  }
}

function resourceDetails(gr: GroupResource, name: string): StatusDetails {
  return gr.group === '' ? { name, kind: gr.resource } : { name, group: gr.group, kind: gr.resource };
}

/** `errors.NewNotFound`: `nodes "n1" not found`. */
export function notFound(gr: GroupResource, name: string): KubeApiError {
  return new KubeApiError(
    404,
    'NotFound',
    `${qualifiedResource(gr)} "${name}" not found`,
    resourceDetails(gr, name),
  );
}

/** `errors.NewAlreadyExists`: `nodes "n1" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): KubeApiError {
  return new KubeApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource(gr)} "${name}" already exists`,
    resourceDetails(gr, name),
  );
}

/** The message of `registry.OptimisticLockErrorMsg`. */
export const OPTIMISTIC_LOCK_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

/** `errors.NewConflict`: `Operation cannot be fulfilled on nodes "n1": <why>`. */
export function conflict(gr: GroupResource, name: string, why: string): KubeApiError {
  return new KubeApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`,
    resourceDetails(gr, name),
  );
}

/** The kind of a `field.Error` (`field.ErrorType`). */
export type FieldErrorType = 'Invalid' | 'Required' | 'Forbidden' | 'Duplicate' | 'NotSupported' | 'TooMany';

/** One `field.Error`: a path like `spec.podCIDRs[0]`, a type, the bad value and a detail. */
export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  readonly value?: unknown;
  readonly detail?: string;
}

const FIELD_ERROR_LABEL: Record<FieldErrorType, { label: string; reason: string; showsValue: boolean }> = {
  Invalid: { label: 'Invalid value', reason: 'FieldValueInvalid', showsValue: true },
  Required: { label: 'Required value', reason: 'FieldValueRequired', showsValue: false },
  Forbidden: { label: 'Forbidden', reason: 'FieldValueForbidden', showsValue: false },
  Duplicate: { label: 'Duplicate value', reason: 'FieldValueDuplicate', showsValue: true },
  NotSupported: { label: 'Unsupported value', reason: 'FieldValueNotSupported', showsValue: true },
  TooMany: { label: 'Too many', reason: 'FieldValueTooMany', showsValue: false },
};

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** `field.Error.ErrorBody()`: `Invalid value: "x": must be a CIDR`. */
export function fieldErrorBody(e: FieldError): string {
  const t = FIELD_ERROR_LABEL[e.type];
  let body = t.label;
  if (t.showsValue) body += `: ${formatValue(e.value)}`;
  if (e.detail !== undefined && e.detail !== '') body += `: ${e.detail}`;
  return body;
}

/**
 * `errors.NewInvalid`: 422 with one cause per field error, message
 * `Node "n1" is invalid: spec.podCIDRs: Forbidden: …` (several errors are listed in `[…]`).
 */
export function invalid(gk: GroupKind, name: string, errs: readonly FieldError[]): KubeApiError {
  const causes = errs.map((e) => ({
    reason: FIELD_ERROR_LABEL[e.type].reason,
    message: fieldErrorBody(e),
    field: e.field,
  }));
  const parts = errs.map((e) => `${e.field}: ${fieldErrorBody(e)}`);
  const agg = parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
  const details: StatusDetails =
    gk.group === '' ? { name, kind: gk.kind, causes } : { name, group: gk.group, kind: gk.kind, causes };
  return new KubeApiError(422, 'Invalid', `${qualifiedKind(gk)} "${name}" is invalid: ${agg}`, details);
}

/** A 422 that is not tied to field errors (`errors.NewGenericServerResponse(422, …)`), e.g. a failed JSON Patch `test`. */
export function unprocessable(message: string): KubeApiError {
  return new KubeApiError(422, 'Invalid', message, {});
}

/** `errors.NewBadRequest`. */
export function badRequest(message: string): KubeApiError {
  return new KubeApiError(400, 'BadRequest', message);
}

/** `errors.NewResourceExpired`: 410 `Expired`, e.g. `too old resource version: 5 (17)`. */
export function expired(message: string): KubeApiError {
  return new KubeApiError(410, 'Expired', message);
}

/** `errors.NewTooManyRequests`: 429 with `Retry-After`. */
export function tooManyRequests(message: string, retryAfterSeconds: number): KubeApiError {
  return new KubeApiError(429, 'TooManyRequests', message, { retryAfterSeconds });
}

/** `errors.NewInternalError`: 500 `Internal error occurred: <msg>`. */
export function internalError(message: string): KubeApiError {
  return new KubeApiError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ message }],
  });
}

/** `errors.NewMethodNotSupported`-like 405. */
export function methodNotAllowed(gr: GroupResource, method: string): KubeApiError {
  return new KubeApiError(
    405,
    'MethodNotAllowed',
    `${method} is not supported on resources of kind "${qualifiedResource(gr)}"`,
    gr.group === '' ? { kind: gr.resource } : { group: gr.group, kind: gr.resource },
  );
}

/** 415 for a body the server cannot decode (an unknown patch type). */
export function unsupportedMediaType(contentType: string, accepted: readonly string[]): KubeApiError {
  return new KubeApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    { causes: [{ reason: 'UnexpectedServerResponse', message: contentType }] },
  );
}

/** `errors.NewTimeoutError`-like 504, used for `Too large resource version`. */
export function timeout(
  message: string,
  retryAfterSeconds: number,
  causes?: readonly StatusCause[],
): KubeApiError {
  return new KubeApiError(504, 'Timeout', message, {
    ...(causes === undefined ? {} : { causes }),
    retryAfterSeconds,
  });
}

/** The 404 the server gives for a path it does not serve. */
export function pathNotFound(): KubeApiError {
  return new KubeApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** A `Status` with `status: Success` (what deleting a resource without `returnDeletedObject` answers). */
export function successStatus(details: StatusDetails): ApiStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}
