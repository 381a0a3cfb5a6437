export { diagnosticCodes, engineDiagnosticCodes, ERRNO_NAMES } from './codes.js';
export { machineConfig } from './config.js';
export { opRegistry, queryRegistry, unwiredOps, unwiredQueries } from './registry.js';
export type { OpExecutor, RegisteredOp } from './registry.js';
export type { OpResult } from './op-result.js';
export type { Failure, RunOptions, ScenarioResult, ScenarioStatus, StepResult } from './result.js';
export { runScenario } from './run.js';
export { validateScenario } from './validate.js';
export type { BufferValue, Value } from './values.js';
