import { ConfigError, ShapeError, ValueError } from './errors.js';

/** Throws a ValueError built lazily from `msg` when `cond` is false. */
export function check(cond: boolean, msg: () => string): asserts cond {
  if (!cond) throw new ValueError(msg());
}

/**
 * Checks a shape against a pattern of named or fixed dimensions, e.g. `['B', 'N', 3]`.
 * Named dimensions match anything but must agree where repeated; `'*'` matches any number
 * of leading dimensions when it comes first.
 */
export function checkShape(
  shape: readonly number[],
  pattern: readonly (number | string)[],
  what: string,
  /** A message of the caller's own wording, instead of `<what>: expected shape [...], got [...]`. */
  message?: () => string,
): Record<string, number> {
  const named: Record<string, number> = {};
  let pat = pattern;
  let dims = shape;
  if (pat[0] === '*') {
    pat = pat.slice(1);
    if (dims.length < pat.length) fail();
    dims = dims.slice(dims.length - pat.length);
  }
  if (dims.length !== pat.length) fail();
  pat.forEach((p, i) => {
    const d = dims[i]!;
    if (typeof p === 'number') {
      if (p !== d) fail();
    } else if (p in named) {
      if (named[p] !== d) fail();
    } else {
      named[p] = d;
    }
  });
  return named;

  function fail(): never {
    throw new ShapeError(message ? message() : `${what}: expected shape [${pattern.join(', ')}], got [${shape.join(', ')}]`, shape, pattern);
  }
}

/**
 * Checks that two shapes are equal: `<what> shapes differ: <a> [..], <b> [..]` otherwise, e.g.
 * checkSameShape(pred.shape, target.shape, 'ssim') or (r, f, 'featureMatchingLoss: layer 2', ['real', 'fake']).
 */
export function checkSameShape(a: readonly number[], b: readonly number[], what: string, names: readonly [string, string] = ['pred', 'target'], message?: () => string): void {
  if (a.length === b.length && a.every((d, i) => d === b[i])) return;
  throw new ShapeError(message ? message() : `${what} shapes differ: ${names[0]} [${a.join(', ')}], ${names[1]} [${b.join(', ')}]`, a, b);
}

/** Checks a count (values, rows, labels, cameras …) against the one expected; `message` says what disagrees. */
export function checkCount(actual: number, expected: number, message: () => string): void {
  if (actual !== expected) throw new ShapeError(message(), [actual], [expected]);
}

/** Checks that every value is finite; names the first bad index. */
export function checkFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new ValueError(`${what}: value at flat index ${i} is ${values[i]} (must be finite)`);
    }
  }
}

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/**
 * Returns `value` if it is one of `allowed`, otherwise throws a ConfigError that suggests
 * the closest allowed value (as MONAI's look_up_option does).
 */
export function lookUpOption<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  let best = allowed[0]!;
  for (const a of allowed) if (editDistance(value, a) < editDistance(value, best)) best = a;
  throw new ConfigError(
    `${option}: unknown value '${value}'; did you mean '${best}'? Allowed: ${allowed.join(', ')}`,
    option,
    value,
    allowed,
  );
}
