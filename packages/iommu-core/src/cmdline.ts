/**
 * The kernel command line as the early-param machinery sees it: whitespace-separated
 * `key` or `key=value` tokens, double quotes protecting spaces (lib/cmdline.c next_arg).
 */
export interface CmdlineParam {
  readonly key: string;
  readonly value: string | undefined;
  /** Index of the token, for "last writer wins" ordering. */
  readonly index: number;
}

export function parseCmdline(text: string): CmdlineParam[] {
  const out: CmdlineParam[] = [];
  const re = /(?:[^\s"]+|"[^"]*")+/g;
  let m: RegExpExecArray | null;
  let i = 0;
  while ((m = re.exec(text)) !== null) {
    const tok = m[0].replaceAll('"', '');
    const eq = tok.indexOf('=');
    out.push(eq < 0 ? { key: tok, value: undefined, index: i } : { key: tok.slice(0, eq), value: tok.slice(eq + 1), index: i });
    i++;
  }
  return out;
}

/**
 * lib/kstrtox.c kstrtobool: 1/y/Y/t/T/on → true, 0/n/N/f/F/off → false; anything else is
 * rejected (the early param then returns -EINVAL and the setting is unchanged).
 */
export function kstrtobool(s: string | undefined): boolean | undefined {
  if (s === undefined || s.length === 0) return undefined;
  const c = s[0]!;
  if ('1yYtT'.includes(c)) return true;
  if ('0nNfF'.includes(c)) return false;
  if (c === 'o' || c === 'O') {
    const d = s[1];
    if (d === 'n' || d === 'N') return true;
    if (d === 'f' || d === 'F') return false;
  }
  return undefined;
}
