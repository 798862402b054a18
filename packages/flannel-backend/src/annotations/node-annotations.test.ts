import { IpAddress } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import dualStack from './__fixtures__/k3s-host-gw-dual-stack-node.json' with { type: 'json' };
import { annotationNames } from './annotation-names.js';
import {
  annotationPatchBody,
  goJsonMarshal,
  ownNodeAnnotations,
  parseAnnotatedIp,
  storedPublicIps,
} from './node-annotations.js';

const names = annotationNames();
const ip = (s: string) => IpAddress.parse(s);
const flannelOnly = (a: Record<string, string>) =>
  Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith('flannel.alpha.coreos.com/')));

describe('ownNodeAnnotations: what flannel AcquireLease writes', () => {
  it('writes exactly the annotations real flannel left on a dual-stack host-gw node', () => {
    // Start from the node without flannel's annotations; compute ours; compare with flannel's, string for string.
    const foreign = Object.fromEntries(
      Object.entries(dualStack.metadata.annotations).filter(([k]) => !k.startsWith('flannel.')),
    );
    const own = ownNodeAnnotations(
      foreign,
      { backendType: 'host-gw', publicIp: ip('192.168.139.2'), publicIpv6: ip('fd07:b51a:cc66::2') },
      names,
    );
    expect(own.changed).toBe(true);
    expect(own.result).toEqual(flannelOnly(dualStack.metadata.annotations));
    expect(own.patch).toEqual(flannelOnly(dualStack.metadata.annotations));
  });

  it('builds the byte-exact strategic merge patch flannel sends for an IPv4 node (Go key order)', () => {
    const own = ownNodeAnnotations({}, { backendType: 'host-gw', publicIp: ip('10.180.0.15') }, names);
    expect(JSON.stringify(annotationPatchBody(own.patch))).toBe(
      '{"metadata":{"annotations":{' +
        '"flannel.alpha.coreos.com/backend-data":"null",' + // nil json.RawMessage marshals to null
        '"flannel.alpha.coreos.com/backend-type":"host-gw",' +
        '"flannel.alpha.coreos.com/kube-subnet-manager":"true",' +
        '"flannel.alpha.coreos.com/public-ip":"10.180.0.15"' + // no IPv6 annotations without an IPv6 address
        '}}}',
    );
  });

  it('changes nothing when the node already holds them (flannel does not patch)', () => {
    const own = ownNodeAnnotations(
      dualStack.metadata.annotations,
      { backendType: 'host-gw', publicIp: ip('192.168.139.2'), publicIpv6: ip('fd07:b51a:cc66::2') },
      names,
    );
    expect(own.changed).toBe(false);
    expect(own.patch).toEqual({});
  });

  it('patches only what differs when the address changes', () => {
    const own = ownNodeAnnotations(
      dualStack.metadata.annotations,
      { backendType: 'host-gw', publicIp: ip('192.168.139.9'), publicIpv6: ip('fd07:b51a:cc66::2') },
      names,
    );
    expect(own.patch).toEqual({ 'flannel.alpha.coreos.com/public-ip': '192.168.139.9' });
  });

  it('takes over a VXLAN node: type and data become host-gw and null', () => {
    const own = ownNodeAnnotations(
      {
        'flannel.alpha.coreos.com/backend-data': '{"VtepMAC":"76:a1:98:8f:f2:6f"}',
        'flannel.alpha.coreos.com/backend-type': 'vxlan',
        'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
        'flannel.alpha.coreos.com/public-ip': '10.180.0.16',
      },
      { backendType: 'host-gw', publicIp: ip('10.180.0.16') },
      names,
    );
    expect(own.patch).toEqual({
      'flannel.alpha.coreos.com/backend-data': 'null',
      'flannel.alpha.coreos.com/backend-type': 'host-gw',
    });
  });

  it('writes public-ip-overwrite as public-ip, and re-patches until it is honoured', () => {
    const current = { 'flannel.alpha.coreos.com/public-ip-overwrite': '203.0.113.7' };
    const own = ownNodeAnnotations(current, { backendType: 'host-gw', publicIp: ip('10.0.0.5') }, names);
    expect(own.result['flannel.alpha.coreos.com/public-ip']).toBe('203.0.113.7');
    // flannel's condition: an overwrite that differs from our address always counts as a change.
    const again = ownNodeAnnotations(
      { ...current, ...own.patch },
      { backendType: 'host-gw', publicIp: ip('10.0.0.5') },
      names,
    );
    expect(again.changed).toBe(true);
    expect(again.patch).toEqual({});
  });

  it('writes public-ipv6-overwrite as public-ipv6', () => {
    const own = ownNodeAnnotations(
      { 'flannel.alpha.coreos.com/public-ipv6-overwrite': '2001:db8::7' },
      { backendType: 'host-gw', publicIp: ip('10.0.0.5'), publicIpv6: ip('fd00::5') },
      names,
    );
    expect(own.result['flannel.alpha.coreos.com/public-ipv6']).toBe('2001:db8::7');
  });

  it('writes flannel zero address on an IPv6-only node, as flannel host-gw does', () => {
    const own = ownNodeAnnotations({}, { backendType: 'host-gw', publicIpv6: ip('fd00::5') }, names);
    expect(own.result).toEqual({
      'flannel.alpha.coreos.com/backend-data': 'null',
      'flannel.alpha.coreos.com/backend-type': 'host-gw',
      'flannel.alpha.coreos.com/backend-v6-data': 'null',
      'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
      'flannel.alpha.coreos.com/public-ip': '0.0.0.0',
      'flannel.alpha.coreos.com/public-ipv6': 'fd00::5',
    });
  });

  it('uses the annotation prefix', () => {
    const own = ownNodeAnnotations(
      {},
      { backendType: 'host-gw', publicIp: ip('10.0.0.5') },
      annotationNames('edge.example.com/v1'),
    );
    expect(Object.keys(own.patch)).toEqual([
      'edge.example.com/v1-backend-data',
      'edge.example.com/v1-backend-type',
      'edge.example.com/v1-kube-subnet-manager',
      'edge.example.com/v1-public-ip',
    ]);
  });
});

describe('goJsonMarshal', () => {
  it('marshals like Go encoding/json', () => {
    expect(goJsonMarshal(undefined)).toBe('null');
    expect(goJsonMarshal(null)).toBe('null');
    expect(goJsonMarshal({ VNI: 1, VtepMAC: '12:c6:65:89:b4:e3' })).toBe(
      '{"VNI":1,"VtepMAC":"12:c6:65:89:b4:e3"}',
    );
    expect(goJsonMarshal({ a: '<b>&\u2028' })).toBe('{"a":"\\u003cb\\u003e\\u0026\\u2028"}');
  });
});

describe('storedPublicIps (flannel GetStoredPublicIP)', () => {
  it('reads node-public-ip and node-public-ipv6', () => {
    const got = storedPublicIps(
      {
        'flannel.alpha.coreos.com/node-public-ip': '192.0.2.10',
        'flannel.alpha.coreos.com/node-public-ipv6': '2001:db8::10',
      },
      names,
    );
    expect(got.publicIp?.toString()).toBe('192.0.2.10');
    expect(got.publicIpv6?.toString()).toBe('2001:db8::10');
    expect(storedPublicIps({}, names)).toEqual({});
    expect(storedPublicIps(undefined, names)).toEqual({});
  });

  it('refuses a value of the wrong family, naming the annotation', () => {
    expect(() =>
      storedPublicIps({ 'flannel.alpha.coreos.com/node-public-ip': '2001:db8::10' }, names),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_ANNOTATION_INVALID',
        details: { annotation: 'flannel.alpha.coreos.com/node-public-ip', value: '2001:db8::10' },
      }),
    );
    expect(() => parseAnnotatedIp('k', 'garbage', 4, 'n1')).toThrow(/node n1 holds "garbage"/);
  });
});
