/** Raised for a bad page-table configuration (a programming or scenario error, not a kernel errno). */
export class PgtableError extends Error {
  constructor(
    /** PGTABLE_UNSUPPORTED: the release or format lacks the feature (the kernel's -EOPNOTSUPP). */
    readonly code: 'PGTABLE_BAD_CONFIG' | 'PGTABLE_NO_MEMORY' | 'PGTABLE_UNSUPPORTED',
    message: string,
  ) {
    super(message);
    this.name = 'PgtableError';
  }
}
