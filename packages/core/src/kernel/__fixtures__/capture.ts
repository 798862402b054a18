/**
 * Regenerates the captured rtnetlink datagrams in this folder (root needed; touches only a namespace it
 * creates). Each `.hex` file holds one received datagram per line, hex-encoded; `#` lines are comments.
 *
 *   node --import tsx packages/core/src/kernel/__fixtures__/capture.ts
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { RawNetlinkSocket } from 'netlink';
import { encodeLinkDump } from '../link-codec.js';
import { encodeRouteDump, encodeRouteRequest } from '../route-codec.js';
import { encodeRuleDump } from '../rule-codec.js';
import { runInNetns } from '../netns.js';

const ns = `ew-capture-${process.pid}`;
const dir = new URL('.', import.meta.url).pathname;
const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { stdio: 'inherit' });

async function capture(request: Uint8Array, until: (d: Buffer) => boolean): Promise<Buffer[]> {
  const sock = await runInNetns(ns, () => new RawNetlinkSocket(0, { recvBufferSize: 1 << 20, sendBufferSize: 1 << 20 }));
  const out: Buffer[] = [];
  return new Promise((resolve) => {
    sock.on('message', (d) => {
      out.push(Buffer.from(d));
      if (until(d)) {
        sock.close();
        resolve(out);
      }
    });
    sock.send(request, {});
  });
}

/** A dump ends with NLMSG_DONE (type 3) as the last message of a datagram. */
const endsDump = (d: Buffer) => {
  let off = 0;
  let last = 0;
  while (off + 16 <= d.length) {
    last = d.readUInt16LE(off + 4);
    off += (d.readUInt32LE(off) + 3) & ~3;
  }
  return last === 3 || last === 2;
};

function save(name: string, what: string, datagrams: Buffer[]): void {
  const header = `# ${what}\n# captured from Linux ${release()} (little-endian) by capture.ts\n`;
  writeFileSync(`${dir}${name}`, header + datagrams.map((d) => d.toString('hex')).join('\n') + '\n');
}

sh(`ip netns add ${ns}`);
try {
  sh(`ip -n ${ns} link add v0 type veth peer name v1 && ip -n ${ns} link set v0 up && ip -n ${ns} link set v1 up`);
  sh(`ip -n ${ns} address add 198.51.100.1/24 dev v0 && ip -n ${ns} address add 2001:db8:1::1/64 dev v0 nodad`);
  sh(`ip -n ${ns} route add 10.1.0.0/24 via 198.51.100.2 dev v0 metric 100 proto 69`);
  sh(`ip -n ${ns} route add 10.2.0.0/16 via 203.0.113.1 dev v0 onlink proto 69 table 1000`);
  sh(`ip -n ${ns} route add blackhole 10.3.0.0/16 proto 69`);
  sh(`ip -n ${ns} route add 10.4.0.0/16 proto static nexthop via 198.51.100.3 dev v0 weight 1 nexthop via 198.51.100.4 dev v0 weight 2`);
  sh(`ip -n ${ns} route add 2001:db8:99::/64 via 2001:db8:1::2 dev v0 proto 69 src 2001:db8:1::1`);
  sh(`ip -n ${ns} rule add from 10.9.0.0/16 lookup 1000 priority 1000 protocol 69`);
  sh(`ip -n ${ns} rule add to 10.8.0.0/16 lookup 100 priority 1001`);
  save('route-dump-v4.hex', 'RTM_GETROUTE dump, AF_INET, seq 1', await capture(encodeRouteDump({ family: 2 }, 1), endsDump));
  save('route-dump-v6.hex', 'RTM_GETROUTE dump, AF_INET6, seq 2', await capture(encodeRouteDump({ family: 10 }, 2), endsDump));
  save('rule-dump-v4.hex', 'RTM_GETRULE dump, AF_INET, seq 3', await capture(encodeRuleDump(2, 3), endsDump));
  save('link-dump.hex', 'RTM_GETLINK dump, seq 4', await capture(encodeLinkDump(4), endsDump));
  const dup = encodeRouteRequest('add', {
    family: 2, dstLength: 24, srcLength: 0, tos: 0, table: 254, protocol: 69, scope: 0, type: 1, flags: 0,
    destination: Uint8Array.of(10, 1, 0, 0), gateway: Uint8Array.of(198, 51, 100, 2), priority: 100,
  }, 5);
  save('error-eexist.hex', 'NLMSG_ERROR EEXIST for RTM_NEWROUTE 10.1.0.0/24 metric 100, seq 5', await capture(dup, () => true));
} finally {
  sh(`ip netns del ${ns}`);
}
