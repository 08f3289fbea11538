// Go durations as NACK reads them (`time.ParseDuration`, e.g. `maxAge: "168h"`), parsed exactly:
// the plan compares them (tools/plan/stream-rules.ts, nack-control-loop.ts), and the live commands and
// the tests turn them into the nanoseconds the JetStream API carries.

const NANOS_PER_UNIT: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const INT64_LIMIT = 1n << 63n; // |min int64|; max int64 is one less
const MAX_INT64_DIV_10 = (INT64_LIMIT - 1n) / 10n;

/** Go's own error texts, so a failing manifest reads like NACK's status message would. */
function invalidDuration(original: string): Error {
  return new Error(`time: invalid duration ${JSON.stringify(original)}`);
}

/**
 * Go `time.ParseDuration` (Go 1.22 src/time/format.go), as NACK applies it to `maxAge`, `duplicateWindow`, `ackWait`,
 * ...: a sequence of decimal numbers with a unit each (`"300ms"`, `"1.5h"`, `"1h30m"`, `"-2s"`), units `ns`, `us`/`µs`,
 * `ms`, `s`, `m`, `h`. There is **no `d`**: `"7d"` is an error, as are `""`, `"1"`, `"1 h"`, `"1H"`. Returns int64
 * nanoseconds; throws with Go's message on invalid input or int64 overflow.
 */
export function parseGoDuration(text: string): bigint {
  const original = text;
  let s = text;
  let negative = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n; // the only unit-less value Go accepts
  if (s === '') throw invalidDuration(original);

  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) throw invalidDuration(original);

    // Integer part: Go fails on int64 overflow here ("bad [0-9]*").
    let digits = 0;
    let whole = 0n;
    while (digits < s.length && isDigit(s[digits])) {
      if (whole > INT64_LIMIT / 10n) throw invalidDuration(original);
      whole = whole * 10n + BigInt(s.charCodeAt(digits) - 48);
      if (whole > INT64_LIMIT) throw invalidDuration(original); // 2^63 itself is allowed: "-9223372036854775808ns"
      digits++;
    }
    const hadWhole = digits > 0;
    s = s.slice(digits);

    // Fraction part: Go keeps the digits that fit in int64 and ignores the rest.
    let fraction = 0n;
    let scale = 1; // float64 in Go
    let hadFraction = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      let i = 0;
      let overflow = false;
      while (i < s.length && isDigit(s[i])) {
        if (!overflow) {
          const next = fraction * 10n + BigInt(s.charCodeAt(i) - 48);
          if (fraction > MAX_INT64_DIV_10 || next > INT64_LIMIT) {
            overflow = true;
          } else {
            fraction = next;
            scale *= 10;
          }
        }
        i++;
      }
      hadFraction = i > 0;
      s = s.slice(i);
    }
    if (!hadWhole && !hadFraction) throw invalidDuration(original); // "." or ".s"

    // Unit: everything up to the next digit or '.'.
    let unitEnd = 0;
    while (unitEnd < s.length && !(s[unitEnd] === '.' || isDigit(s[unitEnd]))) unitEnd++;
    if (unitEnd === 0) throw new Error(`time: missing unit in duration ${JSON.stringify(original)}`);
    const unitText = s.slice(0, unitEnd);
    s = s.slice(unitEnd);
    const unit = NANOS_PER_UNIT[unitText];
    if (unit === undefined) {
      throw new Error(`time: unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(original)}`);
    }

    if (whole > INT64_LIMIT / unit) throw invalidDuration(original);
    let value = whole * unit;
    if (fraction > 0n) {
      // Go: v += uint64(float64(f) * (float64(unit) / scale)), i.e. float math, truncated.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > INT64_LIMIT) throw invalidDuration(original);
    }
    total += value;
    if (total > INT64_LIMIT) throw invalidDuration(original);
  }
  if (negative) return -total;
  if (total > INT64_LIMIT - 1n) throw invalidDuration(original);
  return total;
}

/**
 * Go duration text for nanoseconds, largest units first as Go's `Duration.String` orders them but in whole units:
 * "168h", "1m", "1h30m", "500ms", "0s"; `parseGoDuration` reads it back exactly.
 */
export function formatGoDuration(nanosInput: number | bigint): string {
  let nanos = BigInt(nanosInput);
  if (nanos === 0n) return '0s';
  const sign = nanos < 0n ? '-' : '';
  if (nanos < 0n) nanos = -nanos;
  const units: Array<[string, bigint]> = [
    ['h', 3_600_000_000_000n],
    ['m', 60_000_000_000n],
    ['s', 1_000_000_000n],
    ['ms', 1_000_000n],
    ['us', 1_000n],
    ['ns', 1n],
  ];
  let out = '';
  for (const [unit, size] of units) {
    const n = nanos / size;
    if (n > 0n) out += `${n}${unit}`;
    nanos -= n * size;
  }
  return sign + out;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/**
 * `parseGoDuration` as a JS number of nanoseconds, the form the JetStream API JSON carries. Throws if the value is not
 * exactly representable as a double (beyond 2^53 ns, about 104 days, only values with enough trailing binary zeros are,
 * e.g. `"720h"` or `"8760h"`), so no test ever compares a silently rounded number.
 */
export function goDurationToNanos(text: string): number {
  const nanos = parseGoDuration(text);
  const asNumber = Number(nanos);
  if (BigInt(asNumber) !== nanos) {
    throw new Error(
      `duration ${JSON.stringify(text)} = ${nanos}ns is not exactly representable as a JavaScript number`,
    );
  }
  return asNumber;
}
