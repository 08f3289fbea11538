// The client token in Secret `nats-auth`: how to make one nats-server always accepts, and whether a
// given one will be accepted. The one place that knows the rule (scripts/token.js, the tests, docs).
//
// Why a rule at all: the chart renders `authorization { token: $NATS_TOKEN }` (our values write
// `<< $NATS_TOKEN >>`, which the chart's tplYaml turns into the bare variable). nats-server resolves
// the variable from its environment by parsing `pk=<value>` as config text (nats-io/nats-server
// v2.14.2 conf/parse.go:476, same in 2.9.10 conf/parse.go:398), so the token is read as a config value:
// - a value starting with a digit is lexed as a number (conf/lex.go:652 -> lexNumberOrDateOrStringOrIP,
//   conf/lex.go:1079): all digits is an integer; digits then a size suffix letter k m g t p e
//   (conf/lex.go:1250, either case), then any run of b/i (conf/lex.go:1106), then a digit or the end
//   is an integer too, followed by a lexer error when digits remain ("7e3f..." -> "7e" then "3");
//   a digit run followed by any other letter falls back to a string (conf/lex.go:1094-1098);
// - an integer where a string is needed fails the config (server/opts.go:4518 `mv.(string)`), so the
//   server exits: CrashLoopBackOff. `openssl rand -hex 32` starts with "<digits>e<digit>" about 1 in 18;
// - an unquoted string ends at whitespace, `,` `;` `]` `}` `'` or a newline, and `\` starts an escape
//   (conf/lex.go:951-981); the words true/false/yes/no/on/off are booleans (conf/lex.go:884); a
//   leading `$` is another variable (conf/lex.go:892); `"`, `[`, `{`, `(`, `-`, `.` at the start begin
//   other kinds of value (conf/lex.go:623-665).
// - an empty value is an empty string, which turns token authentication off (server/auth.go:283).
// Only letters and digits are modelled exactly below; any other character is refused as unchecked.
import { randomBytes, randomInt } from 'crypto';

const LEX_GO = 'https://github.com/nats-io/nats-server/blob/v2.14.2/conf/lex.go';
/** Where users read why (error messages and docs cite upstream on GitHub). */
export const NATS_TOKEN_RULE_SOURCE = `${LEX_GO}#L1079-L1120`;

/** Random bytes in a generated token: 256 bits. */
export const TOKEN_RANDOM_BYTES = 32;
/** A generated token: one of a–f (so it starts with a letter), then 64 hex digits. */
export const GENERATED_TOKEN_PATTERN = /^[a-f][0-9a-f]{64}$/;
/** Below this many characters a token of letters and digits holds under 256 bits (62^43 ≈ 2^256). */
export const RECOMMENDED_MIN_TOKEN_LENGTH = 43;

/**
 * A fresh token for Secret `nats-auth`: 64 lowercase hex digits from crypto.randomBytes(32) (256 bits),
 * after one random letter a–f, so the server always reads it as a string.
 */
export function generateNatsToken(): string {
  return 'abcdef'[randomInt(6)] + randomBytes(TOKEN_RANDOM_BYTES).toString('hex');
}

export interface NatsTokenVerdict {
  /** Whether nats-server starts with this value in $NATS_TOKEN and reads it as the same string. */
  readonly accepted: boolean;
  /** One sentence, never containing the token. */
  readonly reason: string;
  /** Advice for an accepted token (short, starts with a digit). */
  readonly notes: readonly string[];
}

const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off']);
/** Digits, a size suffix (conf/lex.go:1250), any b/i (conf/lex.go:1109), then a digit or the end: an integer. */
const NUMBER_WITH_SUFFIX = /^[0-9]+[kmgtpe][bi]*(?:[0-9]|$)/i;

function refused(reason: string): NatsTokenVerdict {
  return { accepted: false, reason, notes: [] };
}

/**
 * Whether nats-server (2.9.10 to 2.14.2) accepts `token` as the value of $NATS_TOKEN in the config
 * the chart renders, and reads it back as exactly that string. Exact for tokens of letters and
 * digits; tokens with any other character are refused as unchecked. Never echoes the token.
 */
export function checkNatsToken(token: string): NatsTokenVerdict {
  const fix = 'make a new one with `npm run -s token`';
  if (token.length === 0) {
    return refused(`the token is empty: nats-server reads it as "" and then asks clients for no token at all; ${fix}`);
  }
  if (/[\r\n]$/.test(token)) {
    return refused(
      'the token ends with a line break: nats-server stops reading at it, but clients that read the ' +
        'same Secret send it along, so they fail to authenticate. If you echoed it into this check, use ' +
        "`printf '%s'`; if it came from the Secret, recreate the Secret with `--from-literal`",
    );
  }
  const other = /[^A-Za-z0-9]/.exec(token);
  if (other) {
    const shown = /\s/.test(other[0]) ? 'whitespace' : `"${other[0]}"`;
    return refused(
      `the token contains ${shown} at position ${other.index + 1}: only letters and digits are ` +
        `known to reach nats-server unchanged through $NATS_TOKEN (${NATS_TOKEN_RULE_SOURCE}); ${fix}`,
    );
  }
  if (/^[0-9]+$/.test(token)) {
    return refused(
      'the token is all digits: nats-server reads it as a number, not a string, ' + `and refuses to start; ${fix}`,
    );
  }
  const number = NUMBER_WITH_SUFFIX.exec(token);
  if (number) {
    const suffix = /[kmgtpe]/i.exec(number[0])![0];
    const then = /[0-9]$/.test(number[0]) ? 'a digit' : 'nothing more';
    return refused(
      `the token starts with digits followed by "${suffix}" and then ${then}: ` +
        `nats-server reads that as a number with a size suffix (${LEX_GO}#L1092) and refuses to start; ${fix}`,
    );
  }
  if (BOOLEAN_WORDS.has(token.toLowerCase())) {
    return refused(`the token is a word nats-server reads as a boolean; ${fix}`);
  }
  const notes: string[] = [];
  if (/^[0-9]/.test(token)) {
    notes.push(
      'it starts with a digit: accepted because of the letters after the digits, but a token that starts ' +
        'with a letter is read as a string whatever follows',
    );
  }
  if (token.length < RECOMMENDED_MIN_TOKEN_LENGTH) {
    notes.push(
      `it has ${token.length} characters: fewer than ${RECOMMENDED_MIN_TOKEN_LENGTH} letters and digits ` +
        'hold less than 256 random bits',
    );
  }
  return { accepted: true, reason: 'nats-server reads this token as a string', notes };
}
