import { Cidr } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { FlannelError } from '../errors.js';
import ipv4Nodes from './__fixtures__/flannel-nodes-ipv4.json' with { type: 'json' };
import dualStack from './__fixtures__/k3s-host-gw-dual-stack-node.json' with { type: 'json' };
import { annotationNames } from './annotation-names.js';
import { checkPodCidrInNetwork, type NodeView, nodeToLease, podCidrsOf } from './node-lease.js';

const names = annotationNames();
const v4 = { enableIPv4: true, enableIPv6: false, network: Cidr.parse('10.244.0.0/16') };

function caught(fn: () => unknown): FlannelError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FlannelError);
    return err as FlannelError;
  }
  throw new Error('expected an error, but the call succeeded');
}

describe('nodeToLease (flannel nodeToLease)', () => {
  it('reads a flannel host-gw node', () => {
    const lease = nodeToLease(ipv4Nodes.hostGw, v4, names);
    expect(lease.node).toBe('node-1');
    expect(lease.subnet?.toString()).toBe('10.244.1.0/24');
    expect(lease.publicIp?.toString()).toBe('10.180.0.15');
    expect(lease.backendType).toBe('host-gw');
    expect(lease.backendData).toBeNull();
    expect(lease.ipv6Subnet).toBeUndefined();
  });

  it('reads a VXLAN node, decoding its backend data', () => {
    const lease = nodeToLease(ipv4Nodes.vxlan, v4, names);
    expect(lease.backendType).toBe('vxlan');
    expect(lease.backendData).toEqual({ VtepMAC: '76:a1:98:8f:f2:6f' });
  });

  it('reads the dual-stack k3s node, one block per family from podCIDRs', () => {
    const lease = nodeToLease(
      dualStack,
      {
        enableIPv4: true,
        enableIPv6: true,
        network: Cidr.parse('192.168.194.0/24'),
        ipv6Network: Cidr.parse('fd07:b51a:cc66:a::/64'),
      },
      names,
    );
    expect(lease.subnet?.toString()).toBe('192.168.194.0/25');
    expect(lease.ipv6Subnet?.toString()).toBe('fd07:b51a:cc66:a::/72');
    expect(lease.publicIp?.toString()).toBe('192.168.139.2');
    expect(lease.publicIpv6?.toString()).toBe('fd07:b51a:cc66::2');
  });

  it('leaves out a disabled family', () => {
    const lease = nodeToLease(
      dualStack,
      { enableIPv4: false, enableIPv6: true, ipv6Network: Cidr.parse('fd07:b51a:cc66::/48') },
      names,
    );
    expect(lease.subnet).toBeUndefined();
    expect(lease.publicIp).toBeUndefined();
    expect(lease.ipv6Subnet?.toString()).toBe('fd07:b51a:cc66:a::/72');
  });

  it('skips a node flannel has not set up yet (ERR_LEASE_NOT_READY)', () => {
    const bare: NodeView = { metadata: { name: 'new' }, spec: { podCIDR: '10.244.9.0/24' } };
    expect(caught(() => nodeToLease(bare, v4, names)).code).toBe('ERR_LEASE_NOT_READY');
    const noIp: NodeView = {
      metadata: { name: 'new', annotations: { 'flannel.alpha.coreos.com/kube-subnet-manager': 'true' } },
      spec: { podCIDR: '10.244.9.0/24' },
    };
    const err = caught(() => nodeToLease(noIp, v4, names));
    expect(err.code).toBe('ERR_LEASE_NOT_READY');
    expect(err.details).toMatchObject({ node: 'new', annotation: 'flannel.alpha.coreos.com/public-ip' });
  });

  it('refuses a podCIDR outside Network, naming the node and the value', () => {
    const node = { ...ipv4Nodes.hostGw, spec: { podCIDR: '10.99.1.0/24' } };
    const err = caught(() => nodeToLease(node, v4, names));
    expect(err.code).toBe('ERR_PODCIDR_OUTSIDE_NETWORK');
    expect(err.details).toMatchObject({ node: 'node-1', podCidr: '10.99.1.0/24', network: '10.244.0.0/16' });
    expect(err.message).toContain('10.99.1.0/24');
    expect(err.message).toContain('node-1');
  });

  it('refuses a node without a block for an enabled family (ERR_NO_PODCIDR)', () => {
    const node = { metadata: ipv4Nodes.hostGw.metadata, spec: {} };
    expect(caught(() => nodeToLease(node, v4, names)).details).toMatchObject({ node: 'node-1', family: 4 });
    const v6only = caught(() =>
      nodeToLease(ipv4Nodes.hostGw, { ...v4, enableIPv6: true, ipv6Network: Cidr.parse('fd00::/48') }, names),
    );
    expect(v6only.code).toBe('ERR_LEASE_NOT_READY'); // no public-ipv6 yet
  });

  it('refuses a public-ip of the wrong family (ERR_ANNOTATION_INVALID)', () => {
    const node = {
      ...ipv4Nodes.hostGw,
      metadata: {
        name: 'x',
        annotations: {
          ...ipv4Nodes.hostGw.metadata.annotations,
          'flannel.alpha.coreos.com/public-ip': 'fd00::1',
        },
      },
    };
    expect(caught(() => nodeToLease(node, v4, names)).details).toMatchObject({
      annotation: 'flannel.alpha.coreos.com/public-ip',
      value: 'fd00::1',
      node: 'x',
    });
  });
});

describe('podCidrsOf', () => {
  it('prefers podCIDRs, falls back to podCIDR, clears host bits', () => {
    expect(podCidrsOf({ spec: { podCIDR: '10.200.254.1/24' } }).v4?.toString()).toBe('10.200.254.0/24');
    expect(podCidrsOf({ spec: { podCIDR: '10.0.1.0/24', podCIDRs: ['fd00::/64'] } }).v4).toBeUndefined();
    expect(podCidrsOf({}).v4).toBeUndefined();
  });

  it.each([[['10.0.1.0/24', '10.0.2.0/24']], [['10.0.1.0/24', 'fd00::/64', 'fd01::/64']], [['garbage']]])(
    'refuses %j (ERR_PODCIDR_INVALID)',
    (podCIDRs) => {
      const err = caught(() => podCidrsOf({ metadata: { name: 'n' }, spec: { podCIDRs } }));
      expect(err.code).toBe('ERR_PODCIDR_INVALID');
      expect(err.details.node).toBe('n');
    },
  );
});

describe('checkPodCidrInNetwork', () => {
  it('accepts a block inside, refuses a block that only overlaps, or with no network of its family', () => {
    expect(() =>
      checkPodCidrInNetwork('n', Cidr.parse('10.0.1.0/24'), Cidr.parse('10.0.0.0/16')),
    ).not.toThrow();
    expect(
      caught(() => checkPodCidrInNetwork('n', Cidr.parse('10.0.0.0/15'), Cidr.parse('10.0.0.0/16'))).code,
    ).toBe('ERR_PODCIDR_OUTSIDE_NETWORK');
    expect(caught(() => checkPodCidrInNetwork('n', Cidr.parse('fd00::/64'), undefined)).details.field).toBe(
      'IPv6Network',
    );
  });
});
