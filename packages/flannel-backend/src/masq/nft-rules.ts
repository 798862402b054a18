/**
 * The nftables form of the masquerade rules (net-conf `EnableNFTables`), after flannel's
 * `pkg/trafficmngr/nftables/nftables.go`: a table `ip flannel-ipv4` / `ip6 flannel-ipv6` with a `postrtg` NAT
 * chain hooked at postrouting (priority `srcnat`) and, optionally, a `forward` filter chain. Pure: the text is an
 * `nft -f` script that replaces the table atomically (`add table` + `delete table` + the table, one transaction,
 * nft(8)). Nothing here runs `nft`.
 *
 * Two deliberate differences from flannel's nftables code, both to behave as its iptables rules do:
 * - the kube-proxy mark is tested under its mask (`meta mark & 0x4000 == 0x4000`), like `--mark 0x4000/0x4000`,
 *   where flannel's nftables code compares the whole mark to 0x4000;
 * - the third return is `saddr != NETWORK daddr BLOCK` (outside traffic to our pods keeps its source), like
 *   iptables' `! -s NETWORK -d BLOCK`; flannel's nftables code has `saddr != BLOCK daddr NETWORK`, which would
 *   also exempt the host's own traffic to remote pods from the masquerade rule after it.
 * @module
 */
import type { Cidr } from '@edgeway/core';
import { MULTICAST } from './masq-rules.js';

/** flannel's nftables table names. */
export const NFT_TABLES: Readonly<Record<4 | 6, string>> = { 4: 'flannel-ipv4', 6: 'flannel-ipv6' };

/** Options of {@link nftMasqRuleset}. */
export interface NftRulesetOptions {
  readonly network: Cidr;
  readonly block: Cidr;
  /** `masquerade fully-random` (default true). */
  readonly randomFully?: boolean;
  /** Add flannel's `forward` chain accepting traffic to and from the network (default true). */
  readonly forward?: boolean;
}

/** The nft family keyword and address selector of a family. */
function fam(family: 4 | 6): { table: 'ip' | 'ip6'; addr: 'ip' | 'ip6' } {
  return family === 4 ? { table: 'ip', addr: 'ip' } : { table: 'ip6', addr: 'ip6' };
}

/** An `nft -f` script that installs (or atomically replaces) the flannel table of one family. */
export function nftMasqRuleset(options: NftRulesetOptions): string {
  const family = options.network.family;
  const { table, addr } = fam(family);
  const name = NFT_TABLES[family];
  const net = options.network.toString();
  const block = options.block.toString();
  const masq = options.randomFully === false ? 'masquerade' : 'masquerade fully-random';
  const lines = [
    `add table ${table} ${name}`,
    `delete table ${table} ${name}`,
    `table ${table} ${name} {`,
    `  comment "rules for ${name}"`,
    '  chain postrtg {',
    '    comment "chain to manage traffic masquerading by flannel"',
    '    type nat hook postrouting priority srcnat; policy accept;',
    '    meta mark & 0x4000 == 0x4000 return',
    `    ${addr} saddr ${block} ${addr} daddr ${net} return`,
    `    ${addr} saddr ${net} ${addr} daddr ${block} return`,
    `    ${addr} saddr != ${net} ${addr} daddr ${block} return`,
    `    ${addr} saddr ${net} ${addr} daddr != ${MULTICAST[family]} ${masq}`,
    `    ${addr} saddr != ${net} ${addr} daddr ${net} ${masq}`,
    '  }',
  ];
  if (options.forward !== false) {
    lines.push(
      '  chain forward {',
      '    comment "chain to accept flannel traffic"',
      '    type filter hook forward priority filter; policy accept;',
      `    ${addr} saddr ${net} accept`,
      `    ${addr} daddr ${net} accept`,
      '  }',
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** An `nft -f` script that deletes the flannel table of a family, if present (flannel's clean-up). */
export function nftRemoveRuleset(family: 4 | 6): string {
  const { table } = fam(family);
  return `add table ${table} ${NFT_TABLES[family]}\ndelete table ${table} ${NFT_TABLES[family]}\n`;
}
