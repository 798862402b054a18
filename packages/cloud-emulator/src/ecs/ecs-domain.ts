// Placeholder: replaced by the ECS domain implementation.
import type { EmulatorState } from '../state/emulator-state.js';

export class EcsDomain {
  constructor(readonly state: EmulatorState) {}
  snapshot(): unknown {
    return {};
  }
}
