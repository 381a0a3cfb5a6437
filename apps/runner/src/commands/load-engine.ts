import type { Engine, EngineLoader } from '../engine-port.js';
import { formatInternalError } from '../internal-error.js';
import type { CliIo } from '../io.js';

/** Loads the engine, or reports why it could not be loaded (the caller exits InternalError). */
export async function loadEngine(io: CliIo, load: EngineLoader): Promise<Engine | undefined> {
  try {
    return await load();
  } catch (e) {
    io.stderr.write(formatInternalError(e, 'loading the scenario engine', io.env));
    return undefined;
  }
}
