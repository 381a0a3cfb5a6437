export { parseArgs, DEFAULT_PATH } from './args.js';
export type { ArgsResult, Invocation, RunFlags } from './args.js';
export { runCli } from './cli.js';
export { renderCliDocs } from './cli-docs.js';
export { useColor } from './color.js';
export { defaultEngine } from './default-engine.js';
export { discover, SCENARIO_EXTENSION } from './discover.js';
export type { DiscoverResult, ScenarioFile } from './discover.js';
export type {
  Diagnostic,
  DiagnosticCodeInfo,
  Engine,
  EngineLoader,
  Failure,
  Loc,
  RunOptions,
  ScenarioHeaderInfo,
  ScenarioResult,
  ScenarioStatus,
  StepResult,
} from './engine-port.js';
export { ExitCode, exitCodeTable } from './exit-codes.js';
export { formatHelp } from './help.js';
export type { CliIo } from './io.js';
export { focusOnLine } from './line-select.js';
export { commandDefs, optionDefs, reporterNames } from './options.js';
export type { CommandDef, CommandName, OptionDef, ReporterName } from './options.js';
export { detailLines, headerLine, renderFailure } from './render-failure.js';
export type { Formatters, RenderContext } from './render-failure.js';
export type { ReportItem } from './report-item.js';
export { createReporter } from './reporters/create.js';
export { JSON_REPORT_VERSION } from './reporters/json.js';
export type { Reporter, ReporterContext, RunEnd, Writer } from './reporters/reporter.js';
export { parseShard, selectShard } from './shard.js';
export type { Shard } from './shard.js';
export { formatSummary, outcomeOf, summarize } from './status.js';
export type { Summary } from './status.js';
export type { UsageError, UsageErrorCode } from './usage-error.js';
