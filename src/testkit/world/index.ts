export {
  type ClientReceipt,
  CROSS_CHANNEL_GRACE_MS,
  type FloodDecision,
  FloodLimiter,
  type FloodNotice,
  type FloodRule,
} from './flood-limiter.js'
export { createRandom, type Random } from './random.js'
export { WORLD_METHODS, World } from './world.js'
export {
  type AccountSpec,
  DEFAULT_FLOOD_RULES,
  type FloodViolation,
  type RpcFaults,
  type WorldCall,
  type WorldOptions,
  type WorldOutcome,
  type WorldStats,
} from './world-options.js'
