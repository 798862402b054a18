/**
 * The BGP half of SEED.md (`pnpm example`, second part): an edge node advertises its pod block to the data-centre
 * router and learns the cloud's VPC CIDR back into its kernel.
 *
 * Two network namespaces joined by a veth pair (documentation addresses only, never the root namespace): the
 * "data-centre router" is BIRD 2 (AS 65000, 198.51.100.2), the edge node runs our `BgpSpeaker` (AS 4200000001,
 * 198.51.100.1) with kernel installation on. Printed as witnesses: BIRD's own table (`birdc show route all`) and the
 * edge namespace's `ip -j route show proto bgp`. Everything is removed at the end, also on failure.
 */
import { Lab, startBird, startSpeakerInNamespace, waitFor } from '../packages/bgp/test-support/index.js';

const lab = await Lab.create({ nodes: 2 });
try {
  const edge = lab.node(0);
  const dc = lab.node(1);
  console.log(
    `\nBGP: edge node ${edge.ipv4} (AS 4200000001, namespace ${edge.ns}) ↔ data-centre router ${dc.ipv4} (BIRD, AS 65000)`,
  );
  const bird = await startBird(lab, 1, {
    routerId: dc.ipv4,
    asn: 65000,
    peers: [{ name: 'edge_a', neighbor: edge.ipv4, peerAsn: 4200000001, passive: true }],
    // The cloud VPC of SEED.md, learnt by the DC router from the leased line; announced to the edge node.
    routes: [{ prefix: '192.168.0.0/16', communities: ['65000:200'] }],
  });
  const speaker = await startSpeakerInNamespace(
    lab,
    {
      asn: 4200000001,
      routerId: edge.ipv4,
      listen: false,
      kernel: { install: true },
      peers: [
        {
          name: 'dc-router',
          address: dc.ipv4,
          asn: 65000,
          // Learn only the cloud VPC; never a route covering our own pod network.
          import: {
            default: 'reject',
            rules: [{ match: { prefixes: [{ prefix: '192.168.0.0/16', le: 24 }] }, action: 'accept' }],
          },
        },
      ],
    },
    { nodeIndex: 0 },
  );
  await speaker.waitEstablished('dc-router', 20_000);
  console.log('  session established');
  await speaker.set([
    { prefix: '10.0.1.0/24', communities: ['65000:100'], largeCommunities: ['4200000001:1:1'] },
  ]);
  const routes = await waitFor(
    async () => {
      const r = await bird.routes('edge_a');
      return r.some((x) => x.prefix === '10.0.1.0/24') ? r : undefined;
    },
    { timeoutMs: 20_000, what: 'our pod block in BIRD' },
  );
  console.log('\nBIRD (data-centre router) learnt from the edge node:');
  for (const r of routes) {
    console.log(
      `  ${r.prefix} via ${r.nextHop} as-path ${r.asPath.join(' ')} communities ${r.communities.join(' ')} large ${r.largeCommunities.join(' ')}`,
    );
  }
  const kernel = await waitFor(
    async () => {
      const out = (await lab.ip(0, '-j', 'route', 'show', 'proto', 'bgp')).trim();
      const list = out === '' ? [] : (JSON.parse(out) as { dst: string; gateway?: string }[]);
      return list.length > 0 ? list : undefined;
    },
    { timeoutMs: 20_000, what: 'the cloud VPC route in the edge kernel' },
  );
  console.log(`\nEdge node kernel (ip -n ${edge.ns} -j route show proto bgp):`);
  for (const r of kernel) console.log(`  ${r.dst} via ${r.gateway}`);
  console.log('\nEdge node status:', JSON.stringify((await speaker.status())[0]));
  await speaker.close();
  console.log('  speaker closed with Cease/2; lab removed next');
} finally {
  await lab.destroy();
}
