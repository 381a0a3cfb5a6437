import type { DiagnosticCodeInfo, Engine, EngineLoader } from './engine-port.js';

const ENGINE_PACKAGE = '@dmasim/scenario-engine';

/**
 * `list` and `explain` need only the DSL, so an engine that fails to load does not
 * stop them: its error is rethrown by the first runScenario call instead, which
 * `run` reports as an internal error.
 */
async function loadEngineModule(): Promise<{
  readonly codes?: Readonly<Record<string, DiagnosticCodeInfo>>;
  readonly runScenario: Engine['runScenario'];
}> {
  try {
    const mod = await import('@dmasim/scenario-engine');
    return { codes: mod.diagnosticCodes, runScenario: mod.runScenario };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return {
      runScenario: () => {
        throw new Error(`cannot load ${ENGINE_PACKAGE}: ${why}`);
      },
    };
  }
}

async function load(): Promise<Engine> {
  const [engine, dsl] = await Promise.all([loadEngineModule(), import('@dmasim/scenario-dsl')]);
  // The engine extends the DSL's DMA1xx table with DMA2xx/DMA3xx codes; prefer its table when it exports one.
  const diagnosticCodes = engine.codes ?? dsl.diagnosticCodes;
  return {
    runScenario: engine.runScenario,
    formatDiagnostic: dsl.formatDiagnostic,
    formatCodeFrame: dsl.formatCodeFrame,
    readHeader: (source, uri) => {
      const { header } = dsl.parse(source, uri).file;
      const title = header.title?.value;
      const variants = header.variants.map((v) => v.name);
      return title === undefined ? { variants } : { title, variants };
    },
    diagnosticCodes,
  };
}

let loading: Promise<Engine> | undefined;

/** Imports `@dmasim/scenario-engine` and `@dmasim/scenario-dsl` on first call (once per process). */
export const defaultEngine: EngineLoader = () => (loading ??= load());
