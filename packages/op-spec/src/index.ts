export { defineOps, defineQueries, formatArg, formatSignature } from './spec.js';
export type { ArgKind, ArgSpec, OpSpec, OutcomeKind, QuerySpec } from './spec.js';
export { editDistance, suggest } from './suggest.js';
