export {
  parseSubnetEnv,
  readSubnetEnv,
  renderSubnetEnv,
  type SubnetEnv,
  type SubnetEnvInput,
  subnetEnvFor,
  writeFileAtomic,
  writeSubnetEnv,
} from './subnet-env.js';
