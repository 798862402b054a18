/**
 * Route mode for one node: interface, lease, `subnet.env`, host routes and masquerade, composed as flanneld does.
 * @module
 */
export {
  type AgentState,
  FlannelAgent,
  type FlannelAgentOptions,
  type FlannelAgentStatus,
} from './flannel-agent.js';
