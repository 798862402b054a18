import { randomBytes } from 'node:crypto';

/** Alibaba Cloud's OUI: every ECS network interface MAC starts with `00:16:3e`. */
export const ALIBABA_MAC_PREFIX = '00:16:3e';

/**
 * A random MAC address under Alibaba Cloud's OUI (`00:16:3e:xx:xx:xx`, as DescribeNetworkInterfaces'
 * `MacAddress` and the metadata service's `mac` show), not in `taken`.
 */
export function newMacAddress(taken: ReadonlySet<string>): string {
  for (;;) {
    const tail = [...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':');
    const mac = `${ALIBABA_MAC_PREFIX}:${tail}`;
    if (!taken.has(mac)) return mac;
  }
}
