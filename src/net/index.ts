/** Network reasoning: CIDRs and security group protocols/ports (SI-1). */
export { cidrContains, isAnyAddress, parseCidr, type Cidr } from './cidr.js';
export { egressViolation, normalizeProtocol, type EgressRule, type Protocol } from './ports.js';
