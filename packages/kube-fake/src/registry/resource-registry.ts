import { randomUUID } from 'node:crypto';
import { cloneJson, formatTime, isJsonObject, jsonEqual, type KubeObject } from '../api/object.js';
import {
  type ApiStatus,
  alreadyExists,
  badRequest,
  conflict,
  expired,
  type FieldError,
  internalError,
  invalid,
  notFound,
  OPTIMISTIC_LOCK_MESSAGE,
  successStatus,
} from '../api/status.js';
import { namespacesResource } from '../resources/namespaces.js';
import {
  apiVersionOf,
  type ResourceDefinition,
  resourceId,
  type Subresource,
} from '../resources/resource-definition.js';
import { validateAnnotations, validateLabels } from '../resources/validation.js';
import {
  compileFieldSelector,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from '../selectors/selectors.js';
import { RevisionTooOldError, type VersionedStore } from '../store/versioned-store.js';
import { decodeContinue, EXPIRED_CONTINUE_MESSAGE, encodeContinue } from './continue-token.js';
import { listRevision, tooLargeResourceVersion } from './list-options.js';
import { applyPatch } from './patch-dispatch.js';

/**
 * The API semantics of the fake on top of {@link VersionedStore}: what `genericregistry.Store` and the REST
 * handlers do in kube-apiserver — create / get / list / update / patch / delete with system metadata,
 * optimistic concurrency, status subresources, finalizers, validation and the `Status` errors.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/
 */

/** Options of {@link ResourceRegistry}. */
export interface RegistryOptions {
  /** The clock for `creationTimestamp` / `deletionTimestamp`. */
  readonly now: () => Date;
  /** Refuse namespaced creates in a namespace that does not exist (the `NamespaceLifecycle` admission plugin). */
  readonly namespaceLifecycle: boolean;
}

/** Query options of a list. */
export interface ListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: string;
}

/** `DeleteOptions` (body or query). */
export interface DeleteOptions {
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly dryRun?: boolean;
}

/** A list response (`NodeList`, …). */
export interface ObjectList {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  readonly items: KubeObject[];
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function withTypeMeta(def: ResourceDefinition, obj: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return { apiVersion: apiVersionOf(def), kind: def.kind, ...rest } as KubeObject;
}

function selectorError(err: unknown): never {
  if (err instanceof SelectorError) throw badRequest(err.message);
  throw err;
}

/** Serves every registered {@link ResourceDefinition} from one {@link VersionedStore}. */
export class ResourceRegistry {
  readonly store: VersionedStore;
  private readonly defs = new Map<string, ResourceDefinition>();
  private readonly options: RegistryOptions;

  constructor(store: VersionedStore, definitions: readonly ResourceDefinition[], options: RegistryOptions) {
    this.store = store;
    this.options = options;
    for (const d of definitions) {
      const id = resourceId(d);
      if (this.defs.has(id)) throw new Error(`resource ${id} is defined twice`);
      this.defs.set(id, d);
    }
  }

  /** Every served definition. */
  definitions(): ResourceDefinition[] {
    return [...this.defs.values()];
  }

  /** The definition served at `group/version/plural`, if any. */
  find(group: string, version: string, plural: string): ResourceDefinition | undefined {
    const d = this.defs.get(group === '' ? plural : `${plural}.${group}`);
    return d?.version === version ? d : undefined;
  }

  /** A definition by id (`nodes`, `leases.coordination.k8s.io`) or by unique plural (`leases`). */
  resolve(resource: string): ResourceDefinition {
    const exact = this.defs.get(resource);
    if (exact !== undefined) return exact;
    const byPlural = [...this.defs.values()].filter((d) => d.plural === resource);
    if (byPlural.length === 1) return byPlural[0]!;
    throw new Error(`unknown resource ${resource}`);
  }

  /** The storage key of an object: `name`, or `namespace/name`. */
  keyOf(def: ResourceDefinition, namespace: string | undefined, name: string): string {
    return def.namespaced ? `${namespace ?? ''}/${name}` : name;
  }

  private gr(def: ResourceDefinition) {
    return { group: def.group, resource: def.plural };
  }

  private gk(def: ResourceDefinition) {
    return { group: def.group, kind: def.kind };
  }

  /** GET one object (404 NotFound). */
  get(def: ResourceDefinition, namespace: string | undefined, name: string): KubeObject {
    const obj = this.store.peek(resourceId(def), this.keyOf(def, namespace, name));
    if (obj === undefined) throw notFound(this.gr(def), name);
    return withTypeMeta(def, cloneJson(obj));
  }

  /** A predicate for the namespace and the label/field selectors of a list or watch (400 on a bad selector). */
  matcher(
    def: ResourceDefinition,
    namespace: string | undefined,
    labelSelector = '',
    fieldSelector = '',
  ): (obj: KubeObject) => boolean {
    try {
      const labels = parseLabelSelector(labelSelector);
      const fields: Record<string, (o: KubeObject) => string> = {
        'metadata.name': (o) => o.metadata.name ?? '',
        ...(def.namespaced ? { 'metadata.namespace': (o: KubeObject) => o.metadata.namespace ?? '' } : {}),
        ...(def.selectableFields ?? {}),
      };
      const fieldMatch = compileFieldSelector(parseFieldSelector(fieldSelector), fields);
      return (o) =>
        (namespace === undefined || o.metadata.namespace === namespace) &&
        matchesLabels(labels, o.metadata.labels) &&
        fieldMatch(o);
    } catch (err) {
      return selectorError(err);
    }
  }

  /** LIST with selectors, paging and resource version semantics. */
  list(def: ResourceDefinition, namespace: string | undefined, opts: ListOptions = {}): ObjectList {
    const id = resourceId(def);
    const match = this.matcher(def, namespace, opts.labelSelector, opts.fieldSelector);
    const prefix = def.namespaced && namespace !== undefined ? `${namespace}/` : '';
    let rv = this.store.revision;
    let start = '';
    let rows: [string, KubeObject][];
    if (opts.continue !== undefined && opts.continue !== '') {
      if (opts.resourceVersion !== undefined && opts.resourceVersion !== '' && opts.resourceVersion !== '0') {
        throw badRequest('specifying resource version is not allowed when using continue');
      }
      const token = decodeContinue(opts.continue);
      rv = token.rv;
      start = token.start;
      rows = this.snapshotOr410(id, rv, prefix, EXPIRED_CONTINUE_MESSAGE);
    } else {
      const want = listRevision(opts.resourceVersion, opts.resourceVersionMatch);
      if (want.kind === 'exact') {
        if (want.rv > this.store.revision) throw tooLargeResourceVersion(want.rv, this.store.revision);
        rv = want.rv;
        rows = this.snapshotOr410(id, rv, prefix);
      } else {
        if (want.kind === 'notOlderThan' && want.rv > this.store.revision) {
          throw tooLargeResourceVersion(want.rv, this.store.revision);
        }
        rows = this.store.entries(id, prefix);
      }
    }
    const matching = rows.filter(([k, o]) => k >= start && match(o));
    const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : undefined;
    const page = limit === undefined ? matching : matching.slice(0, limit);
    const metadata: ObjectList['metadata'] = { resourceVersion: String(rv) };
    if (limit !== undefined && matching.length > limit) {
      metadata.continue = encodeContinue(rv, page[page.length - 1]![0]);
      if (!opts.labelSelector && !opts.fieldSelector) metadata.remainingItemCount = matching.length - limit;
    }
    return {
      apiVersion: apiVersionOf(def),
      kind: `${def.kind}List`,
      metadata,
      // As for built-in kinds on a real server, list items carry no apiVersion/kind.
      items: page.map(([, o]) => {
        const { apiVersion: _a, kind: _k, ...rest } = cloneJson(o);
        return rest as KubeObject;
      }),
    };
  }

  private snapshotOr410(id: string, rv: number, prefix: string, message?: string): [string, KubeObject][] {
    try {
      return this.store.snapshot(id, rv, prefix);
    } catch (err) {
      if (err instanceof RevisionTooOldError) throw expired(message ?? err.message);
      throw err;
    }
  }

  private checkBody(def: ResourceDefinition, body: unknown): KubeObject {
    if (!isJsonObject(body))
      throw badRequest(`the object provided is unrecognized (must be of type ${def.kind})`);
    if (body.metadata !== undefined && !isJsonObject(body.metadata)) {
      throw badRequest(
        `the object provided is unrecognized (must be of type ${def.kind}): metadata must be an object`,
      );
    }
    const obj = cloneJson(body) as unknown as KubeObject;
    obj.metadata ??= {};
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(def)) {
      throw badRequest(
        `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersionOf(def)})`,
      );
    }
    if (obj.kind !== undefined && obj.kind !== def.kind) {
      throw badRequest(
        `the object provided is unrecognized (must be of type ${def.kind}): kind ${String(obj.kind)}`,
      );
    }
    return obj;
  }

  private commonMetaErrors(obj: KubeObject): FieldError[] {
    return [...validateLabels(obj.metadata.labels), ...validateAnnotations(obj.metadata.annotations)];
  }

  private requireNamespace(def: ResourceDefinition, namespace: string | undefined): void {
    if (!def.namespaced || !this.options.namespaceLifecycle) return;
    if (this.store.peek(resourceId(namespacesResource), namespace ?? '') === undefined) {
      throw notFound({ group: '', resource: 'namespaces' }, namespace ?? '');
    }
  }

  /** POST: create (201). 409 AlreadyExists, 422 Invalid, 404 for a missing namespace. */
  create(def: ResourceDefinition, namespace: string | undefined, body: unknown, dryRun = false): KubeObject {
    const obj = this.checkBody(def, body);
    const meta = obj.metadata;
    if (def.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = namespace;
    } else delete meta.namespace;
    if ((meta.name === undefined || meta.name === '') && meta.generateName) {
      let suffix = '';
      for (let i = 0; i < 5; i++) suffix += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
      meta.name = meta.generateName + suffix;
    }
    const name = meta.name ?? '';
    if (name === '') {
      throw invalid(this.gk(def), '', [
        { type: 'Required', field: 'metadata.name', detail: 'name or generateName is required' },
      ]);
    }
    this.requireNamespace(def, namespace);
    meta.uid = randomUUID();
    meta.creationTimestamp = formatTime(this.options.now());
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (def.generation !== false) meta.generation = 1;
    else delete meta.generation;
    const stamped = withTypeMeta(def, obj);
    def.prepareForCreate?.(stamped);
    const errs = [...this.commonMetaErrors(stamped), ...(def.validateCreate?.(stamped) ?? [])];
    if (errs.length > 0) throw invalid(this.gk(def), name, errs);
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== '') {
      throw internalError('resourceVersion should not be set on objects to be created');
    }
    const key = this.keyOf(def, namespace, name);
    if (this.store.peek(resourceId(def), key) !== undefined) throw alreadyExists(this.gr(def), name);
    if (dryRun) return stamped;
    this.store.write(resourceId(def), key, stamped);
    return cloneJson(stamped);
  }

  /** PUT on the object or its `/status`: 409 on a stale `resourceVersion`, 422 Invalid, 404 NotFound. */
  update(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    body: unknown,
    subresource: Subresource,
    dryRun = false,
  ): KubeObject {
    const obj = this.checkBody(def, body);
    return this.applyUpdate(def, namespace, name, obj, subresource, dryRun);
  }

  /** PATCH (JSON, merge or strategic merge) on the object or its `/status`. */
  patch(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    contentType: string,
    patchBody: unknown,
    subresource: Subresource,
    dryRun = false,
  ): KubeObject {
    const existing = this.store.peek(resourceId(def), this.keyOf(def, namespace, name));
    if (existing === undefined) throw notFound(this.gr(def), name);
    const patched = applyPatch(
      contentType,
      withTypeMeta(def, cloneJson(existing)),
      patchBody,
      def.strategicMerge,
    );
    const obj = this.checkBody(def, patched);
    return this.applyUpdate(def, namespace, name, obj, subresource, dryRun);
  }

  private applyUpdate(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    incoming: KubeObject,
    subresource: Subresource,
    dryRun: boolean,
  ): KubeObject {
    const id = resourceId(def);
    const key = this.keyOf(def, namespace, name);
    const meta = incoming.metadata;
    if ((meta.name ?? '') !== name) {
      throw badRequest(
        `the name of the object (${meta.name ?? ''}) does not match the name on the URL (${name})`,
      );
    }
    if (
      def.namespaced &&
      meta.namespace !== undefined &&
      meta.namespace !== '' &&
      meta.namespace !== namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const old = this.store.peek(id, key);
    if (old === undefined) {
      if (def.allowCreateOnUpdate && subresource === 'main') {
        const { resourceVersion: _rv, ...rest } = meta;
        return this.create(def, namespace, { ...incoming, metadata: { ...rest, name } }, dryRun);
      }
      throw notFound(this.gr(def), name);
    }
    const wantRv = meta.resourceVersion;
    if (wantRv !== undefined && wantRv !== '' && wantRv !== old.metadata.resourceVersion) {
      throw conflict(this.gr(def), name, OPTIMISTIC_LOCK_MESSAGE);
    }
    const obj = withTypeMeta(def, incoming);
    obj.metadata.name = name;
    if (def.namespaced) obj.metadata.namespace = namespace;
    else delete obj.metadata.namespace;
    this.resetForSubresource(def, obj, old, subresource);
    const errs: FieldError[] = [];
    if (obj.metadata.uid === undefined || obj.metadata.uid === '') obj.metadata.uid = old.metadata.uid;
    else if (obj.metadata.uid !== old.metadata.uid) {
      errs.push({
        type: 'Invalid',
        field: 'metadata.uid',
        value: obj.metadata.uid,
        detail: 'field is immutable',
      });
    }
    obj.metadata.creationTimestamp = old.metadata.creationTimestamp;
    if (old.metadata.deletionTimestamp !== undefined) {
      obj.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
      obj.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
      const added = (obj.metadata.finalizers ?? []).filter(
        (f) => !(old.metadata.finalizers ?? []).includes(f),
      );
      if (added.length > 0) {
        errs.push({
          type: 'Forbidden',
          field: 'metadata.finalizers',
          detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
        });
      }
    } else {
      delete obj.metadata.deletionTimestamp;
      delete obj.metadata.deletionGracePeriodSeconds;
    }
    if (old.metadata.generation === undefined) delete obj.metadata.generation;
    else obj.metadata.generation = old.metadata.generation;
    def.prepareForUpdate?.(obj, old, subresource);
    errs.push(...this.commonMetaErrors(obj), ...(def.validateUpdate?.(obj, old, subresource) ?? []));
    if (errs.length > 0) throw invalid(this.gk(def), name, errs);
    if (def.generation !== false && specChanged(obj, old)) {
      obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    if (obj.metadata.finalizers?.length === 0) delete obj.metadata.finalizers;
    if (jsonEqual(obj, old)) return cloneJson(old);
    if (dryRun) return obj;
    const finished =
      obj.metadata.deletionTimestamp !== undefined && (obj.metadata.finalizers ?? []).length === 0;
    const ev = this.store.write(id, key, finished ? undefined : obj);
    return cloneJson(ev.object);
  }

  private resetForSubresource(
    def: ResourceDefinition,
    obj: KubeObject,
    old: KubeObject,
    sub: Subresource,
  ): void {
    if (!def.statusSubresource) return;
    if (sub === 'main') {
      if (old.status === undefined) delete obj.status;
      else obj.status = cloneJson(old.status);
      return;
    }
    for (const k of Object.keys(obj)) {
      if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind' && !(k in old))
        delete obj[k];
    }
    for (const [k, v] of Object.entries(old)) {
      if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') obj[k] = cloneJson(v);
    }
    if (def.statusResetsMetadata) {
      for (const f of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
        if (old.metadata[f] === undefined) delete obj.metadata[f];
        else obj.metadata[f] = cloneJson(old.metadata[f]) as never;
      }
    }
  }

  /**
   * DELETE: checks `preconditions` (409), then removes the object — or, while it has finalizers, sets
   * `deletionTimestamp` and answers 202 with the object. Answers the deleted object or a Success `Status`.
   */
  delete(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): { code: number; body: KubeObject | ApiStatus } {
    const id = resourceId(def);
    const key = this.keyOf(def, namespace, name);
    const old = this.store.peek(id, key);
    if (old === undefined) throw notFound(this.gr(def), name);
    const pre = opts.preconditions;
    if (pre?.uid !== undefined && pre.uid !== old.metadata.uid) {
      throw conflict(
        this.gr(def),
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        this.gr(def),
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    }
    if ((old.metadata.finalizers ?? []).length > 0) {
      if (old.metadata.deletionTimestamp !== undefined || opts.dryRun)
        return { code: 202, body: cloneJson(old) };
      const marked = cloneJson(old);
      marked.metadata.deletionTimestamp = formatTime(this.options.now());
      marked.metadata.deletionGracePeriodSeconds = 0;
      return { code: 202, body: cloneJson(this.store.write(id, key, marked).object) };
    }
    if (opts.dryRun) return { code: 200, body: cloneJson(old) };
    if (def === namespacesResource || resourceId(def) === resourceId(namespacesResource))
      this.deleteNamespaceContents(name);
    const ev = this.store.write(id, key, undefined);
    if (def.returnDeletedObject) return { code: 200, body: cloneJson(ev.object) };
    const details = {
      name,
      ...(def.group === '' ? {} : { group: def.group }),
      kind: def.plural,
      uid: old.metadata.uid,
    };
    return { code: 200, body: successStatus(details) };
  }

  private deleteNamespaceContents(namespace: string): void {
    for (const d of this.defs.values()) {
      if (!d.namespaced) continue;
      for (const [key] of this.store.entries(resourceId(d), `${namespace}/`))
        this.store.write(resourceId(d), key, undefined);
    }
  }
}

/** Whether anything outside `metadata`, `status`, `apiVersion` and `kind` differs (what bumps `generation`). */
function specChanged(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
    return rest;
  };
  return !jsonEqual(strip(a), strip(b));
}
