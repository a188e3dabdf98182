export type { FleetWorkerResult } from './protocol.js'
export { type FleetOptions, type FleetReport, runFleet } from './run-fleet.js'
