export { annotationNames, type FlannelAnnotationNames } from './annotation-names.js';
export {
  type Annotations,
  annotationPatchBody,
  goJsonMarshal,
  type LeaseAttributes,
  type OwnAnnotations,
  ownNodeAnnotations,
  parseAnnotatedIp,
  storedPublicIps,
} from './node-annotations.js';
export {
  checkPodCidrInNetwork,
  type LeaseNetworks,
  type NodeView,
  nodeToLease,
  type PodCidrs,
  podCidrsOf,
} from './node-lease.js';
