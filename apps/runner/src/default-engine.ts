import type { DiagnosticCodeInfo, Engine, EngineLoader } from './engine-port.js';

// The DSL is imported with a literal specifier, so the compiler checks that its
// formatDiagnostic / formatCodeFrame / parse / diagnosticCodes fit the Engine port.
// The engine's specifier is held in a constant so the runner typechecks on its own
// while the engine's dependency graph is still being built; what it exports is
// checked here at load time instead, and a mismatch is an internal error (exit 3)
// naming the missing export.
const ENGINE_PACKAGE = '@dmasim/scenario-engine';

type Module = Readonly<Record<string, unknown>>;

function requireFunctions(mod: Module, pkg: string, names: readonly string[]): void {
  for (const name of names) {
    if (typeof mod[name] !== 'function')
      throw new Error(`${pkg} does not export a function \`${name}\``);
  }
}

function codes(mod: Module): Readonly<Record<string, DiagnosticCodeInfo>> | undefined {
  const c = mod.diagnosticCodes;
  return typeof c === 'object' && c !== null
    ? (c as Readonly<Record<string, DiagnosticCodeInfo>>)
    : undefined;
}

/**
 * `list` and `explain` need only the DSL, so an engine that fails to load does not
 * stop them: its error is rethrown by the first runScenario call instead, which
 * `run` reports as an internal error.
 */
async function loadEngineModule(): Promise<{
  readonly mod?: Module;
  readonly runScenario: Engine['runScenario'];
}> {
  try {
    const mod = (await import(ENGINE_PACKAGE)) as Module;
    requireFunctions(mod, ENGINE_PACKAGE, ['runScenario']);
    return { mod, runScenario: mod.runScenario as Engine['runScenario'] };
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
  const diagnosticCodes =
    (engine.mod === undefined ? undefined : codes(engine.mod)) ?? dsl.diagnosticCodes;
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
