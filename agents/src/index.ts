export { generateFleet, type FleetStore } from './sim/fleet.js';
export { startSimulator, type SimulatorOptions, type SimulatorHandle } from './sim/simulator.js';
export { FAULT_KINDS, checkScenario, loadScenario, type SimScenario, type ScenarioFault, type FaultKind } from './sim/faults.js';
export { GroundTruth, type GroundTruthFile, type IncidentTruth, type StoreTruth } from './sim/ground-truth.js';
// The simulated world without MQTT, for the lost-revenue backtest.
export { World, type WorldEvent } from './sim/world.js';
export { deriveBehaviour, type StoreBehaviour } from './sim/store-model.js';
export { trafficShape } from './sim/traffic.js';
export { Rng, deriveSeed } from './sim/random.js';
export type { SimLogger } from './sim/mqtt-pool.js';
export { AGENT_VERSION } from './version.js';
