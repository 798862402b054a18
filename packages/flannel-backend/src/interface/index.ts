/**
 * External interface selection for route mode, as flanneld's `--iface`, `--iface-regex`, `--iface-can-reach`
 * and `--public-ip` flags do it.
 * @module
 */
export {
  type ExternalInterface,
  type InterfaceAddressInfo,
  type InterfaceInfo,
  type InterfaceSelection,
  type InterfaceSelector,
  type NamespaceView,
  onLinkPrefixes,
  selectExternalInterface,
  usableAddresses,
} from './external-interface.js';
export {
  type LookupInterfaceOptions,
  lookupExternalInterface,
  readNamespaceView,
  routeGet,
} from './lookup-interface.js';
