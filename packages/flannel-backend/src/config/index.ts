export {
  DEFAULT_ANNOTATION_PREFIX,
  DEFAULT_RESYNC_SECONDS,
  DEFAULT_SUBNET_FILE,
  type EdgewayOptions,
  type EdgewayOptionsInput,
  EdgewayOptionsSchema,
  MAIN_ROUTE_TABLE,
  parseEdgewayOptions,
} from './edgeway-options.js';
export {
  allocatorOptions,
  type BackendType,
  DEFAULT_NET_CONF_PATH,
  type FlannelNetConfig,
  FlannelNetConfSchema,
  type ParseNetConfOptions,
  parseNetConf,
  readNetConf,
  SUPPORTED_BACKENDS,
} from './net-conf.js';
export { checkNetworkOverlap } from './network-overlap.js';
