/**
 * Structured errors. Every message starts with the function or file it concerns, so a user
 * can tell at a glance which input was wrong.
 */
export class LacunaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LacunaError';
  }
}

/** A tensor or array had the wrong shape. */
export class ShapeError extends LacunaError {
  constructor(
    message: string,
    readonly actualShape: readonly number[],
    readonly expectedShape: readonly (number | string)[],
  ) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** A config file or option had a wrong value. */
export class ConfigError extends LacunaError {
  constructor(
    message: string,
    readonly option: string,
    readonly value?: unknown,
    readonly allowed?: readonly string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A file could not be read, was truncated or corrupt, or could not be written. */
export class IOError extends LacunaError {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'IOError';
  }
}

/** Input values were invalid: NaN, negative where positive is required, degenerate geometry. */
export class ValueError extends LacunaError {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}
