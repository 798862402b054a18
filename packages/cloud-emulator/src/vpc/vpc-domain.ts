// Placeholder: replaced by the VPC domain implementation.
import type { EmulatorState } from '../state/emulator-state.js';

export class VpcDomain {
  constructor(readonly state: EmulatorState) {}
  snapshot(): unknown {
    return {};
  }
}
