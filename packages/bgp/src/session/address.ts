import { IpAddress } from '@edgeway/core';

/**
 * The canonical text of an address for peer lookup: an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, as a
 * dual-stack listener reports IPv4 peers) becomes its IPv4 form, IPv6 is compressed and lower-cased, a zone
 * index (`%eth0`) is dropped. Text that is not an address is returned unchanged.
 */
export function normaliseAddress(address: string): string {
  const noZone = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(noZone);
  if (mapped) return mapped[1]!;
  return IpAddress.isValid(noZone) ? IpAddress.parse(noZone).toString() : address;
}
