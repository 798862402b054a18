/**
 * The speaker: core's `Peering` over BGP sessions, RIBs and policy, with graceful restart and kernel installation.
 * @module
 */
export { validateAdvertisements } from './advertisements.js';
export { BgpSpeaker, type BgpSpeakerDeps, type CloseOptions } from './bgp-speaker.js';
export { KernelInstaller, type KernelInstallerOptions } from './kernel-installer.js';
export { type InstallableRoute, type KernelRoutesOptions, kernelRoutesFor } from './kernel-routes.js';
export { toReceivedRoute } from './received-route.js';
