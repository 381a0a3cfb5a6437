/**
 * An exception escaping the engine is a dmasim bug, not a scenario problem: one
 * clear line with what to do, and the stack only when DMASIM_DEBUG=1.
 */
export function formatInternalError(
  error: unknown,
  during: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const line =
    `dmasim: internal error while ${during}: ${what.replace(/\s*\n\s*/g, ' ')} — ` +
    'this is a bug in dmasim, not in your scenario; please report it with the .dma file attached' +
    (env.DMASIM_DEBUG === '1' ? '' : ' (set DMASIM_DEBUG=1 to print the stack trace)');
  const stack =
    env.DMASIM_DEBUG === '1' && error instanceof Error && error.stack !== undefined
      ? `${error.stack}\n`
      : '';
  return `${line}\n${stack}`;
}
