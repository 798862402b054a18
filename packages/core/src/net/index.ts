export { aggregate, rangeToCidrs, sortCidrs } from './aggregate.js';
export { Cidr, type CidrParseOptions, parseInterfaceAddress } from './cidr.js';
export { familyBits, IpAddress, type IpFamily } from './ip.js';
export { NetError, NetErrorCode } from './net-error.js';
export { type CidrOverlap, findOverlaps, type NamedCidr } from './overlaps.js';
