/**
 * Loading many routes into gobgpd through its gRPC API (`AddPathStream`), over the daemon's unix socket. GoBGP's
 * CLI costs ~40 ms per route and `mrt inject` loses routes; this adds 1,000 paths in ~0.1 s. Protos from Debian's
 * `golang-github-osrg-gobgp-dev` (`/usr/share/gocode/src/github.com/osrg/gobgp/api/`), loaded with `keepCase`.
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import type { GobgpDaemon, GobgpRouteSpec } from './gobgp.js';

/** Where Debian puts GoBGP's protos (override with `GOBGP_PROTO_DIR`). */
export const GOBGP_PROTO_DIR =
  process.env.GOBGP_PROTO_DIR ?? '/usr/share/gocode/src/github.com/osrg/gobgp/api';

const isV6 = (s: string) => s.includes(':');
const ORIGIN = { igp: 0, egp: 1, incomplete: 2 } as const;

interface AnyMsg {
  type_url: string;
  value: Buffer;
}

type StreamCall = grpc.ClientWritableStream<unknown>;
interface GobgpApiClient extends grpc.Client {
  AddPathStream(callback: (err: grpc.ServiceError | null) => void): StreamCall;
}

/** A gRPC client of one gobgpd. */
export class GobgpApi {
  private constructor(
    private readonly client: GobgpApiClient,
    private readonly types: protobuf.Root,
  ) {}

  /** Connects to gobgpd's API socket. @throws Error naming the missing protos. */
  static async connect(target: GobgpDaemon | string): Promise<GobgpApi> {
    const socket = typeof target === 'string' ? target : target.socketPath;
    const gobgpProto = join(GOBGP_PROTO_DIR, 'gobgp.proto');
    if (!existsSync(gobgpProto)) {
      throw new Error(
        `prerequisite missing: GoBGP protos at ${GOBGP_PROTO_DIR} (apt-get install golang-github-osrg-gobgp-dev)`,
      );
    }
    const def = protoLoader.loadSync([gobgpProto, join(GOBGP_PROTO_DIR, 'attribute.proto')], {
      keepCase: true,
      longs: Number,
      enums: Number,
      defaults: true,
      oneofs: true,
      includeDirs: [GOBGP_PROTO_DIR],
    });
    const pkg = grpc.loadPackageDefinition(def) as unknown as {
      apipb: { GobgpApi: new (addr: string, creds: grpc.ChannelCredentials) => GobgpApiClient };
    };
    const client = new pkg.apipb.GobgpApi(`unix://${socket}`, grpc.credentials.createInsecure());
    await new Promise<void>((resolve, reject) =>
      client.waitForReady(Date.now() + 5000, (err) => (err ? reject(err) : resolve())),
    );
    // The path attributes are google.protobuf.Any: encode their payloads with protobufjs.
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) =>
      existsSync(join(GOBGP_PROTO_DIR, target)) ? join(GOBGP_PROTO_DIR, target) : target;
    const types = root.loadSync('attribute.proto', { keepCase: true });
    return new GobgpApi(client, types);
  }

  private readonly typeCache = new Map<string, protobuf.Type>();

  private any(type: string, value: Record<string, unknown>): AnyMsg {
    let t = this.typeCache.get(type);
    if (!t) {
      t = this.types.lookupType(`apipb.${type}`);
      this.typeCache.set(type, t);
    }
    return {
      type_url: `type.googleapis.com/apipb.${type}`,
      value: Buffer.from(t.encode(t.fromObject(value)).finish()),
    };
  }

  /** Builds an `apipb.Path` for a route (the next hop is required here). */
  path(r: GobgpRouteSpec & { nextHop: string }): Record<string, unknown> {
    const [address, len] = r.prefix.split('/');
    const v6 = isV6(r.prefix);
    const family = { afi: v6 ? 2 : 1, safi: 1 };
    const nlri = this.any('IPAddressPrefix', { prefix: address, prefix_len: Number(len) });
    const pattrs: AnyMsg[] = [this.any('OriginAttribute', { origin: ORIGIN[r.origin ?? 'igp'] })];
    if (v6) pattrs.push(this.any('MpReachNLRIAttribute', { family, next_hops: [r.nextHop], nlris: [nlri] }));
    else pattrs.push(this.any('NextHopAttribute', { next_hop: r.nextHop }));
    if (r.med !== undefined) pattrs.push(this.any('MultiExitDiscAttribute', { med: r.med }));
    if (r.localPref !== undefined) pattrs.push(this.any('LocalPrefAttribute', { local_pref: r.localPref }));
    if (r.communities?.length) {
      const communities = r.communities.map((c) => {
        const [a, b] = c.split(':').map(Number);
        return ((a! << 16) + b!) >>> 0;
      });
      pattrs.push(this.any('CommunitiesAttribute', { communities }));
    }
    if (r.largeCommunities?.length) {
      const communities = r.largeCommunities.map((c) => {
        const [g, l1, l2] = c.split(':').map(Number);
        return { global_admin: g, local_data1: l1, local_data2: l2 };
      });
      pattrs.push(this.any('LargeCommunitiesAttribute', { communities }));
    }
    return { nlri, pattrs, family };
  }

  /**
   * Adds paths to the global RIB with one `AddPathStream` call, `batch` paths per stream message (default 1,000).
   * `defaultNextHop` fills routes without a next hop (per family).
   */
  async addPaths(
    routes: Iterable<GobgpRouteSpec>,
    opts: { batch?: number; defaultNextHop?: { ipv4?: string; ipv6?: string } } = {},
  ): Promise<number> {
    const batch = opts.batch ?? 1000;
    let count = 0;
    await new Promise<void>((resolve, reject) => {
      const call = this.client.AddPathStream((err) => (err ? reject(err) : resolve()));
      call.on('error', reject);
      let paths: Record<string, unknown>[] = [];
      const flush = () => {
        if (paths.length) call.write({ table_type: 0, vrf_id: '', paths });
        paths = [];
      };
      try {
        for (const r of routes) {
          const nextHop =
            r.nextHop ?? (isV6(r.prefix) ? opts.defaultNextHop?.ipv6 : opts.defaultNextHop?.ipv4);
          if (!nextHop) throw new Error(`route ${r.prefix} has no next hop`);
          paths.push(this.path({ ...r, nextHop }));
          count++;
          if (paths.length >= batch) flush();
        }
        flush();
        call.end();
      } catch (err) {
        call.cancel();
        reject(err);
      }
    });
    return count;
  }

  /** Closes the channel. */
  close(): void {
    this.client.close();
  }
}
