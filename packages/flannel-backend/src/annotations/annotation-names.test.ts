import { describe, expect, it } from 'vitest';
import { annotationNames } from './annotation-names.js';

describe('annotationNames (flannel pkg/subnet/kube/annotations.go)', () => {
  it('gives the exact default names', () => {
    expect(annotationNames()).toEqual({
      kubeSubnetManager: 'flannel.alpha.coreos.com/kube-subnet-manager',
      backendType: 'flannel.alpha.coreos.com/backend-type',
      backendData: 'flannel.alpha.coreos.com/backend-data',
      backendV6Data: 'flannel.alpha.coreos.com/backend-v6-data',
      publicIp: 'flannel.alpha.coreos.com/public-ip',
      publicIpv6: 'flannel.alpha.coreos.com/public-ipv6',
      nodePublicIp: 'flannel.alpha.coreos.com/node-public-ip',
      nodePublicIpv6: 'flannel.alpha.coreos.com/node-public-ipv6',
      publicIpOverwrite: 'flannel.alpha.coreos.com/public-ip-overwrite',
      publicIpv6Overwrite: 'flannel.alpha.coreos.com/public-ipv6-overwrite',
    });
  });

  // The cases of flannel's Test_newAnnotations.
  it.each([
    ['flannel.alpha.coreos.com', 'flannel.alpha.coreos.com/backend-type'],
    ['flannel.alpha.coreos.com/', 'flannel.alpha.coreos.com/backend-type'],
    ['flannel.alpha.coreos.com/prefix', 'flannel.alpha.coreos.com/prefix-backend-type'],
    ['flannel.alpha.coreos.com/prefix-', 'flannel.alpha.coreos.com/prefix-backend-type'],
    ['org.com', 'org.com/backend-type'],
    ['org9.com', 'org9.com/backend-type'],
    ['org.com/9', 'org.com/9-backend-type'],
  ])('normalises prefix %j', (prefix, backendType) => {
    expect(annotationNames(prefix).backendType).toBe(backendType);
  });

  it.each(['org', 'org/', 'org/prefix', 'org.COM', 'org.com/PREFIX', 'a.b/c/d', 'Org.example.com'])(
    'refuses prefix %j with ERR_ANNOTATION_PREFIX',
    (prefix) => {
      expect(() => annotationNames(prefix)).toThrow(
        expect.objectContaining({ code: 'ERR_ANNOTATION_PREFIX', details: { prefix } }),
      );
    },
  );
});
