// Typed units and their conversion at the edge, to exactly the format each consumer needs:
// Go durations for NACK ("168h", never "7d"), Prometheus durations for rules, integer seconds
// for KEDA, integer bytes for NACK maxBytes and Kubernetes quantities for Helm.
import { Duration } from 'cdk8s';
import { formatGoDuration } from './go-duration';

export { Duration };

/** A duration: a cdk8s `Duration`, or a string such as `"7d"`, `"24h"`, `"1h30m"`, `"30s"`, `"500ms"`. */
export type DurationInput = Duration | string;

/** A size: a `ByteSize`, or a string such as `"1GB"`, `"500MB"`, `"5GiB"` (NATS convention: `1GB` = 1024^3 bytes). */
export type SizeInput = ByteSize | string;

const MS_PER_UNIT: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/;

/**
 * Parses `"7d"`, `"168h"`, `"1h30m"`, `"30s"`, `"500ms"`; `d` and `w` are accepted here for convenience and rendered as
 * hours for Go, which has no day unit. Returns undefined when the text is not a duration.
 */
export function parseDuration(text: string): Duration | undefined {
  let rest = text.trim();
  if (rest === '') return undefined;
  if (rest === '0') return Duration.millis(0);
  let totalMs = 0;
  while (rest.length > 0) {
    const match = DURATION_PATTERN.exec(rest);
    if (!match) return undefined;
    totalMs += Number(match[1]) * MS_PER_UNIT[match[2]];
    rest = rest.slice(match[0].length);
  }
  if (!Number.isFinite(totalMs) || !Number.isInteger(totalMs)) return undefined;
  return Duration.millis(totalMs);
}

export function isDuration(value: unknown): value is Duration {
  return value instanceof Duration;
}

/** Milliseconds of a duration, exact (all our inputs are whole milliseconds). */
export function toMillis(duration: Duration): number {
  return duration.toMilliseconds();
}

/** Go `time.Duration` text as NACK parses it: `168h`, `1h30m`, `30s`, `500ms`, `0s`. */
export function goDuration(duration: Duration): string {
  return formatGoDuration(BigInt(Math.round(toMillis(duration) * 1_000_000)));
}

/** Prometheus duration text (`for:`, `interval:`): `5m`, `1h30m`, `2d`. */
export function promDuration(duration: Duration): string {
  let ms = toMillis(duration);
  if (ms === 0) return '0s';
  const parts: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
    [1, 'ms'],
  ];
  let out = '';
  for (const [size, unit] of parts) {
    const n = Math.floor(ms / size);
    if (n) out += `${n}${unit}`;
    ms -= n * size;
  }
  return out;
}

/** Whole seconds, for KEDA's pollingInterval and cooldownPeriod; undefined if not whole. */
export function wholeSeconds(duration: Duration): number | undefined {
  const ms = toMillis(duration);
  return ms % 1000 === 0 ? ms / 1000 : undefined;
}

const KIB = 1024;
const BINARY_UNITS: Record<string, number> = {
  B: 1,
  KB: KIB,
  KIB: KIB,
  MB: KIB ** 2,
  MIB: KIB ** 2,
  GB: KIB ** 3,
  GIB: KIB ** 3,
  TB: KIB ** 4,
  TIB: KIB ** 4,
};

/**
 * A byte count. Strings follow the NATS convention, where `1GB` = 1024^3 bytes: it is what
 * `nats stream add --max-bytes=1GB` sends and what nats-server reads in its config
 * (tooling.md §1, "Size units"). Bare `K`/`M`/`G` are refused: nats-server reads `1G` as 10^9.
 */
export class ByteSize {
  static readonly bytes = (amount: number): ByteSize => new ByteSize(amount);
  static readonly kibibytes = (amount: number): ByteSize => new ByteSize(amount * KIB);
  static readonly mebibytes = (amount: number): ByteSize => new ByteSize(amount * KIB ** 2);
  static readonly gibibytes = (amount: number): ByteSize => new ByteSize(amount * KIB ** 3);
  static readonly tebibytes = (amount: number): ByteSize => new ByteSize(amount * KIB ** 4);

  /** Parses `"1GB"`, `"500MB"`, `"5GiB"`, `"1073741824"`; undefined when the text is not a size. */
  static parse(text: string): ByteSize | undefined {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text);
    if (!match) return undefined;
    const unit = match[2].toUpperCase();
    const factor = unit === '' ? 1 : BINARY_UNITS[unit];
    if (factor === undefined) return undefined;
    const bytes = Number(match[1]) * factor;
    if (!Number.isSafeInteger(bytes)) return undefined;
    return new ByteSize(bytes);
  }

  private constructor(public readonly bytes: number) {
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new Error(`ByteSize must be a whole, non-negative number of bytes, got ${bytes}`);
    }
  }

  plus(other: ByteSize): ByteSize {
    return new ByteSize(this.bytes + other.bytes);
  }

  /** Scaled and rounded up to whole bytes. */
  times(factor: number): ByteSize {
    return new ByteSize(Math.ceil(this.bytes * factor));
  }

  /** Rounded up to a whole number of `unit` bytes. */
  roundUpTo(unit: ByteSize): ByteSize {
    return new ByteSize(Math.ceil(this.bytes / unit.bytes) * unit.bytes);
  }

  /**
   * A Kubernetes quantity and nats-server size with a binary suffix (`10Gi`, `512Mi`): the largest
   * unit that divides the size exactly, so nothing is rounded.
   */
  toQuantity(): string {
    for (const [suffix, size] of [
      ['Ti', KIB ** 4],
      ['Gi', KIB ** 3],
      ['Mi', KIB ** 2],
      ['Ki', KIB],
    ] as const) {
      if (this.bytes >= size && this.bytes % size === 0) return `${this.bytes / size}${suffix}`;
    }
    return `${this.bytes}`;
  }

  /** As a config writes it: `1GiB` when a binary unit divides the size, else the byte count (`1500`). */
  toConfigText(): string {
    const q = this.toQuantity();
    return /[a-z]$/i.test(q) ? `${q}B` : q;
  }

  /** Human text for messages: `1GiB (1073741824 bytes)`. */
  toString(): string {
    const text = this.toConfigText();
    return text.endsWith('B') ? `${text} (${this.bytes} bytes)` : `${this.bytes} bytes`;
  }
}
