// The token rule (lib/config/nats-token.ts) and `npm run -s token [-- --check]`. The rule is checked
// against the real nats-server parser in test/live/nats-token.live.test.ts; here: its table of
// cases (each branch both ways), the generator's shape and strength, and that the script prints
// only the token and never echoes a checked one.
import { spawnSync } from 'child_process';
import * as path from 'path';
import {
  checkNatsToken,
  generateNatsToken,
  GENERATED_TOKEN_PATTERN,
  RECOMMENDED_MIN_TOKEN_LENGTH,
  TOKEN_RANDOM_BYTES,
} from '../../lib/config/nats-token';
import { REPO_ROOT } from '../support/shared';

const TOKEN_SCRIPT = path.join(REPO_ROOT, 'scripts', 'token.js');

function runToken(args: string[], stdin?: string) {
  const r = spawnSync(process.execPath, [TOKEN_SCRIPT, ...args], { input: stdin, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('checkNatsToken', () => {
  test.each([
    ['a0e62ee1f', 'starts with a letter'],
    ['0a62ee1f', 'digits, then a letter that is no size suffix'],
    ['12eab', 'digits, size suffix e, b, then another letter'],
    ['7KBIx', 'digits, suffix K, B, I, then another letter'],
    ['9ib', 'i alone is no suffix'],
    ['e', 'one letter'],
    ['truex', 'longer than a boolean word'],
  ])('accepts %s (%s)', (token) => {
    expect(checkNatsToken(token).accepted).toBe(true);
  });

  test.each([
    ['', /empty/],
    ['12345', /all digits/],
    ['0e62ee1f', /digits followed by "e" and then a digit/],
    ['7e3f', /digits followed by "e" and then a digit/],
    ['12e', /followed by "e" and then nothing more/],
    ['5GiB', /followed by "G" and then nothing more/],
    ['42mb1', /followed by "m" and then a digit/],
    ['true', /boolean/],
    ['Off', /boolean/],
    ['abc def', /contains whitespace at position 4/],
    ['abc-def', /contains "-" at position 4/],
    ['$OTHER', /contains "\$" at position 1/],
    ['abc\n', /ends with a line break/],
  ])('refuses %j', (token, reason) => {
    const verdict = checkNatsToken(token);
    expect(verdict).toMatchObject({ accepted: false, reason: expect.stringMatching(reason) });
  });

  test('the reason never contains the token', () => {
    for (const token of ['7e3f0a9b8c7d6e5f4a3b2c1d0e9f8a7b', 'secret token', 'abcdefgh\n']) {
      expect(checkNatsToken(token).reason).not.toContain(token.trim());
    }
  });

  test('notes on accepted tokens: a leading digit, fewer than 43 characters', () => {
    expect(checkNatsToken('0a62ee1f').notes).toEqual([
      expect.stringMatching(/starts with a digit/),
      expect.stringMatching(/8 characters/),
    ]);
    expect(checkNatsToken(generateNatsToken()).notes).toEqual([]);
  });
});

describe('generateNatsToken', () => {
  test('a letter a-f, then 64 hex digits from 32 random bytes (256 bits); all accepted, all distinct', () => {
    expect(TOKEN_RANDOM_BYTES * 8).toBeGreaterThanOrEqual(256);
    const tokens = Array.from({ length: 2000 }, generateNatsToken);
    expect(new Set(tokens).size).toBe(tokens.length);
    for (const t of tokens) {
      expect(t).toMatch(GENERATED_TOKEN_PATTERN);
      expect(checkNatsToken(t)).toEqual({ accepted: true, reason: expect.any(String), notes: [] });
    }
    // The pattern itself excludes a leading digit.
    expect(GENERATED_TOKEN_PATTERN.test('0e62a'.repeat(61))).toBe(false);
    expect(tokens[0].length).toBeGreaterThanOrEqual(RECOMMENDED_MIN_TOKEN_LENGTH);
    // Every letter a-f appears in the first position (it is random, not a constant).
    expect(new Set(tokens.map((t) => t[0])).size).toBe(6);
  });
});

describe('npm run -s token', () => {
  test('prints only a fresh token on stdout, nothing on stderr', () => {
    const first = runToken([]);
    const second = runToken([]);
    expect(first).toEqual({ status: 0, stdout: expect.stringMatching(/^[a-f][0-9a-f]{64}\n$/), stderr: '' });
    expect(second.stdout).not.toBe(first.stdout);
  });

  test('--check: exit 0 for an accepted token, 1 for a refused one, and never prints the token', () => {
    const good = generateNatsToken();
    const ok = runToken(['--check'], good);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^ok: nats-server reads this token as a string/);
    const bad = `7e3f${good.slice(5)}`;
    const refused = runToken(['--check'], bad);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^refused: the token starts with digits followed by "e"/);
    for (const out of [ok, refused]) {
      expect(out.stdout + out.stderr).not.toContain(good.slice(5, 20));
    }
  });

  test('--check refuses a token read with a trailing newline (echo), and says why', () => {
    const r = runToken(['--check'], `${generateNatsToken()}\n`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/line break.*printf '%s'/s);
  });

  test('unknown arguments: exit 2 with usage', () => {
    const r = runToken(['--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown arguments: --bogus[\s\S]*usage: npm run -s token/);
  });
});
