import { diagnosticCodes as syntaxCodes, type DiagnosticCodeInfo } from '@dmasim/scenario-dsl';

/** Diagnostic codes the engine adds to the language's DMA1xx syntax codes. */
export const engineDiagnosticCodes: Readonly<Record<string, DiagnosticCodeInfo>> = {
  DMA201: {
    title: 'unknown operation',
    explanation: 'The statement names an operation no package offers. Check the spelling (the message suggests the closest name) or see docs/dsl/ops.md for the list.',
  },
  DMA202: {
    title: 'unknown variable',
    explanation: 'A name is used before anything was bound to it. Bind it earlier with `name = op …` or `=> … as name`.',
  },
  DMA203: {
    title: 'unknown named argument',
    explanation: 'A `key=value` argument the operation does not take. The message lists the keys it accepts.',
  },
  DMA204: {
    title: 'word not allowed here',
    explanation: 'The argument takes one of a fixed set of words (a DMA direction, read/write …) and got another.',
  },
  DMA205: {
    title: 'unknown function',
    explanation: 'An expression calls a function that does not exist, e.g. `grup(01:00.0)`. The message suggests the closest one.',
  },
  DMA206: {
    title: 'unknown device',
    explanation: 'A BDF used in a statement is not declared in the `topology` block.',
  },
  DMA207: {
    title: 'unknown kernel release',
    explanation: 'The `kernel` line names a release dmasim has no profile for. Modelled releases: 6.1, 6.12, 6.19.',
  },
  DMA208: {
    title: 'invalid machine configuration',
    explanation: 'The platform, kconfig, memory or topology lines describe a machine that cannot be built (unknown attribute, impossible bus numbering …). The message says which part and how to fix it.',
  },
  DMA209: {
    title: 'outcome not possible for this operation',
    explanation: 'The outcome after `=>` is one this operation can never produce (e.g. `fault` after `kmalloc`). The message lists the outcomes it can produce.',
  },
  DMA210: {
    title: 'unknown errno',
    explanation: '`error` is followed by a name that is not a Linux errno (EINVAL, EEXIST, ENOMEM …) or DMA_MAPPING_ERROR.',
  },
  DMA211: {
    title: 'invalid variant',
    explanation: 'A `variant` line has an attribute dmasim does not understand. Variants take `boot+="…"`, `boot="…"` and `kernel=…`.',
  },
  DMA212: {
    title: 'unknown requirement',
    explanation: 'A `requires` line has a key dmasim does not know. Known keys: `kernel` and `platform`.',
  },
  DMA301: {
    title: 'argument of the wrong kind',
    explanation: 'An argument has the wrong type: e.g. a string where a size is expected, or an expression where a BDF must be written literally.',
  },
  DMA302: {
    title: 'wrong number of arguments',
    explanation: 'An operation or function got fewer or more positional arguments than it takes. The message shows its signature.',
  },
  DMA303: {
    title: 'malformed outcome',
    explanation: 'The outcome is missing its value (`iova` with no address, `error` with no errno) or has extra arguments.',
  },
};

export const diagnosticCodes: Readonly<Record<string, DiagnosticCodeInfo>> = { ...syntaxCodes, ...engineDiagnosticCodes };

/** Linux errno names an `error` outcome may use, plus the DMA API's and PCIe's failure words. */
export const ERRNO_NAMES: ReadonlySet<string> = new Set([
  'EPERM', 'ENOENT', 'ESRCH', 'EINTR', 'EIO', 'ENXIO', 'E2BIG', 'ENOEXEC', 'EBADF', 'ECHILD', 'EAGAIN', 'ENOMEM',
  'EACCES', 'EFAULT', 'EBUSY', 'EEXIST', 'EXDEV', 'ENODEV', 'ENOTDIR', 'EISDIR', 'EINVAL', 'ENFILE', 'EMFILE',
  'ENOTTY', 'EFBIG', 'ENOSPC', 'ESPIPE', 'EROFS', 'EMLINK', 'EPIPE', 'EDOM', 'ERANGE', 'EDEADLK', 'ENAMETOOLONG',
  'ENOSYS', 'EOVERFLOW', 'EOPNOTSUPP', 'EADDRINUSE', 'EREMOTEIO', 'ENOTSUPP', 'ETIMEDOUT', 'ENOLCK',
  'DMA_MAPPING_ERROR', 'UR',
]);
