export { type IpFamily, IpAddress, familyBits } from './ip.js';
export { Cidr, type CidrParseOptions, parseInterfaceAddress } from './cidr.js';
export { aggregate, rangeToCidrs, sortCidrs } from './aggregate.js';
export { type CidrOverlap, findOverlaps, type NamedCidr } from './overlaps.js';
export { NetError, NetErrorCode } from './net-error.js';
