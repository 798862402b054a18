/**
 * flannel's masquerade and forward rules as data (`pkg/trafficmngr/iptables/iptables.go` `masqRules`,
 * `masqIP6Rules`, `forwardRules`), in flannel's chains and order, written the way `iptables-save` prints them so
 * that what is read back compares equal. Pure.
 * @module
 */
import type { Cidr } from '@edgeway/core';

/** flannel's NAT chain, jumped to from `nat POSTROUTING`. */
export const MASQ_CHAIN = 'FLANNEL-POSTRTG';
/** flannel's filter chain, jumped to from `filter FORWARD`. */
export const FORWARD_CHAIN = 'FLANNEL-FWD';
/** kube-proxy's masquerade mark (`KUBE-MARK-MASQ` sets it): such packets are left to kube-proxy (flannel `KubeProxyMark`). */
export const KUBE_PROXY_MARK = '0x4000/0x4000';
/** The comment flannel puts on every NAT rule. */
export const MASQ_COMMENT = 'flanneld masq';
/** The comment flannel puts on every forward rule. */
export const FORWARD_COMMENT = 'flanneld forward';
/** Multicast destinations never masqueraded (RFC 5771 224.0.0.0/4, RFC 4291 ff00::/8). */
export const MULTICAST: Readonly<Record<4 | 6, string>> = { 4: '224.0.0.0/4', 6: 'ff00::/8' };

/** One rule: `-A CHAIN SPEC…` in a table. */
export interface IptablesRule {
  readonly table: 'nat' | 'filter';
  readonly chain: string;
  /** The rule's arguments after `-A CHAIN`, one per element (`--comment` text unquoted). */
  readonly spec: readonly string[];
}

/** A chain we own in one table: its rules and the single jump to it from a built-in chain. */
export interface OwnedChain {
  readonly family: 4 | 6;
  readonly table: 'nat' | 'filter';
  readonly chain: string;
  /** The jump from the built-in chain (`POSTROUTING`, `FORWARD`), appended as flannel does. */
  readonly jump: IptablesRule;
  /** The chain's rules, in order. */
  readonly rules: readonly IptablesRule[];
}

/** Options of {@link masqChain}. */
export interface MasqRuleOptions {
  /** The cluster network (net-conf `Network` / `IPv6Network`). */
  readonly network: Cidr;
  /** This node's block (the lease's subnet). */
  readonly block: Cidr;
  /**
   * `MASQUERADE --random-fully` (fully randomised source ports, avoiding SNAT port races; iptables ≥ 1.6.2,
   * Linux ≥ 3.14). Default true; flannel uses it when iptables supports it and `--ip-masq-random-fully-disable`
   * is not given.
   */
  readonly randomFully?: boolean;
}

const comment = (text: string) => ['-m', 'comment', '--comment', text];

/**
 * flannel's NAT rules for one family, in flannel's order:
 * 1. `POSTROUTING -j FLANNEL-POSTRTG` (the jump);
 * 2. `-m mark --mark 0x4000/0x4000 -j RETURN`: kube-proxy marked it, kube-proxy masquerades it (no double NAT);
 * 3. `-s BLOCK -d NETWORK -j RETURN`: our pods to any pod, unchanged;
 * 4. `-s NETWORK -d BLOCK -j RETURN`: any pod to our pods, unchanged;
 * 5. `! -s NETWORK -d BLOCK -j RETURN`: outside traffic to our pods keeps its source;
 * 6. `-s NETWORK ! -d MULTICAST -j MASQUERADE [--random-fully]`: pods leaving the cluster;
 * 7. `! -s NETWORK -d NETWORK -j MASQUERADE [--random-fully]`: the host (or anything outside) to remote pods.
 */
export function masqChain(options: MasqRuleOptions): OwnedChain {
  const net = options.network.toString();
  const block = options.block.toString();
  const family = options.network.family;
  const masq = options.randomFully === false ? ['-j', 'MASQUERADE'] : ['-j', 'MASQUERADE', '--random-fully'];
  const rule = (...spec: string[]): IptablesRule => ({ table: 'nat', chain: MASQ_CHAIN, spec });
  return {
    family,
    table: 'nat',
    chain: MASQ_CHAIN,
    jump: { table: 'nat', chain: 'POSTROUTING', spec: [...comment(MASQ_COMMENT), '-j', MASQ_CHAIN] },
    rules: [
      rule('-m', 'mark', '--mark', KUBE_PROXY_MARK, ...comment(MASQ_COMMENT), '-j', 'RETURN'),
      rule('-s', block, '-d', net, ...comment(MASQ_COMMENT), '-j', 'RETURN'),
      rule('-s', net, '-d', block, ...comment(MASQ_COMMENT), '-j', 'RETURN'),
      rule('!', '-s', net, '-d', block, ...comment(MASQ_COMMENT), '-j', 'RETURN'),
      rule('-s', net, '!', '-d', MULTICAST[family], ...comment(MASQ_COMMENT), ...masq),
      rule('!', '-s', net, '-d', net, ...comment(MASQ_COMMENT), ...masq),
    ],
  };
}

/**
 * flannel's forward rules for one family (`--iptables-forward-rules`, default on): `FORWARD -j FLANNEL-FWD`,
 * then `-s NETWORK -j ACCEPT` and `-d NETWORK -j ACCEPT`, so a `FORWARD` policy of DROP (Docker sets one) does
 * not cut pod traffic.
 */
export function forwardChain(network: Cidr): OwnedChain {
  const net = network.toString();
  const rule = (...spec: string[]): IptablesRule => ({ table: 'filter', chain: FORWARD_CHAIN, spec });
  return {
    family: network.family,
    table: 'filter',
    chain: FORWARD_CHAIN,
    jump: { table: 'filter', chain: 'FORWARD', spec: [...comment(FORWARD_COMMENT), '-j', FORWARD_CHAIN] },
    rules: [
      rule('-s', net, ...comment(FORWARD_COMMENT), '-j', 'ACCEPT'),
      rule('-d', net, ...comment(FORWARD_COMMENT), '-j', 'ACCEPT'),
    ],
  };
}

/** An argument as `iptables-save` prints it: double-quoted when it holds blanks or quotes. */
export function quoteArg(arg: string): string {
  return /[\s"'\\]/.test(arg) || arg === '' ? `"${arg.replace(/(["\\])/g, '\\$1')}"` : arg;
}

/** `-A CHAIN SPEC…` (or `-D`, `-I`) as one line of `iptables-save` / `iptables-restore` text. */
export function ruleLine(rule: IptablesRule, action: '-A' | '-D' | '-I' = '-A'): string {
  return [action, rule.chain, ...rule.spec.map(quoteArg)].join(' ');
}
