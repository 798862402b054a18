/**
 * Masquerade for traffic leaving the cluster, as flannel programs it: the rules as data, `iptables-restore`
 * input and `iptables-save` parsing, the nftables form, and an applier that keeps them in place.
 * @module
 */
export {
  type CommandRunner,
  execRunner,
  IptablesMasquerade,
  type IptablesMasqueradeOptions,
  type MasqueradeConfig,
  type MasqueradeFamily,
  type MasqueradeStatus,
  supportsRandomFully,
} from './iptables-masquerade.js';
export {
  chainDrift,
  chainRules,
  parseIptablesSave,
  renderApply,
  renderRemove,
  type SavedTable,
  type SavedTables,
} from './iptables-restore.js';
export {
  FORWARD_CHAIN,
  FORWARD_COMMENT,
  forwardChain,
  type IptablesRule,
  KUBE_PROXY_MARK,
  MASQ_CHAIN,
  MASQ_COMMENT,
  type MasqRuleOptions,
  MULTICAST,
  masqChain,
  type OwnedChain,
  quoteArg,
  ruleLine,
} from './masq-rules.js';
export { NFT_TABLES, type NftRulesetOptions, nftMasqRuleset, nftRemoveRuleset } from './nft-rules.js';
