// No secret ever reaches dist/: the real synth path (`node scripts/synth.js`, what `npm run synth`
// runs) with credentials in its environment, then every output file scanned for those values and
// for anything that looks like a credential. The nats-auth Secret is created outside git
// (docs/operations.md); the values only reference it.
import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ENVIRONMENTS } from '../config';
import { EnvironmentConfig } from '../lib/config/types';
import { synthesize } from '../main';
import { REPO_ROOT } from './support/shared';

/** Environment variables a careless generator might copy into manifests, each with a fresh random value. */
const planted: Record<string, string> = Object.fromEntries(
  [
    'NATS_TOKEN',
    'NATS_PASSWORD',
    'NATS_USER',
    'NATS_CREDS',
    'NATS_NKEY',
    'OVERMIND_NATS_TOKEN',
    'NATS_AUTH_TOKEN',
    'TOKEN',
  ].map((name) => [name, `planted${randomBytes(16).toString('hex')}`]),
);

interface Finding {
  file: string;
  what: string;
  text: string;
}

/** The only `token:` value allowed: the NATS config variable the server resolves from its env (helm.md §1(c)). */
const TOKEN_REFERENCE = '<< $NATS_TOKEN >>';

const CREDENTIAL_PATTERNS: Array<[string, RegExp]> = [
  ['a PEM block', /-----BEGIN [A-Z ]+-----/],
  ['a JWT', /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./],
  ['a NATS nkey seed', /\bS[UOAC][A-Z2-7]{56}\b/],
  ['an AWS access key', /\bAKIA[0-9A-Z]{16}\b/],
  ['a literal password', /\b(password|passwd|pass)\s*[:=]\s*["']?[^\s"'<>{}]+/i],
  ['a literal secret or API key', /\b(client_secret|secret_key|api_key|apikey|access_key)\s*[:=]\s*\S+/i],
  ['user:password in a URL', /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i],
  ['a long base64 blob', /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{60,}={0,2}(?![A-Za-z0-9+/])/],
];

function scan(files: Array<{ file: string; content: string }>): Finding[] {
  const findings: Finding[] = [];
  for (const { file, content } of files) {
    for (const [name, value] of Object.entries(planted)) {
      if (content.includes(value)) findings.push({ file, what: `the value of $${name}`, text: value });
    }
    for (const [what, pattern] of CREDENTIAL_PATTERNS) {
      const m = pattern.exec(content);
      if (m) findings.push({ file, what, text: m[0] });
    }
    // Text check too, for files that are not YAML/JSON (and YAML a parser might not reach).
    for (const m of content.matchAll(/^\s*"?token"?\s*:\s*(.*)$/gim)) {
      if (m[1].trim() !== TOKEN_REFERENCE && !/\.(ya?ml|json)$/.test(file))
        findings.push({ file, what: 'a token with a literal value', text: m[0].trim() });
    }
    if (/\.(ya?ml|json)$/.test(file)) {
      const docs = file.endsWith('.json') ? [JSON.parse(content)] : yaml.loadAll(content);
      for (const doc of docs) {
        if (doc && typeof doc === 'object' && (doc as { kind?: unknown }).kind === 'Secret')
          findings.push({ file, what: 'a Secret object', text: 'kind: Secret' });
        walk(doc, (key, value, parent) => {
          if (typeof value !== 'string') return;
          if (/^token$/i.test(key) && value !== TOKEN_REFERENCE && !isSecretKeyReference(parent)) {
            findings.push({ file, what: 'a token with a literal value', text: `${key}: ${value}` });
          }
          if (/^(password|passwd|pass)$/i.test(key))
            findings.push({ file, what: 'a literal password', text: `${key}: ${value}` });
        });
      }
    }
    if (/^kind:\s*Secret\s*$/m.test(content)) findings.push({ file, what: 'a Secret object', text: 'kind: Secret' });
  }
  return findings;
}

/**
 * A NACK Account's `spec.token` (`{ secret: { name }, token: <key> }`): there `token` names the key
 * inside a Secret, not a token (nats-io/nack v0.22.4 pkg/jetstream/apis/jetstream/v1beta2/types.go TokenSecret).
 */
function isSecretKeyReference(parent: Record<string, unknown>): boolean {
  const secret = parent.secret as { name?: unknown } | undefined;
  // A Secret data key is a short name; a real token (e.g. `openssl rand -hex 32`) is longer.
  const keyName = typeof parent.token === 'string' && /^[-._a-zA-Z0-9]{1,40}$/.test(parent.token);
  const onlyASecretName = typeof secret?.name === 'string' && Object.keys(secret).length === 1;
  return Object.keys(parent).sort().join(',') === 'secret,token' && onlyASecretName && keyName;
}

/** Calls `visit` for every key/value pair of a parsed document, at any depth, with the object holding it. */
function walk(node: unknown, visit: (key: string, value: unknown, parent: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      visit(key, value, node as Record<string, unknown>);
      walk(value, visit);
    }
  }
}

function readTree(dir: string): Array<{ file: string; content: string }> {
  const out: Array<{ file: string; content: string }> = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push({ file: path.relative(dir, full), content: fs.readFileSync(full, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

describe('no secret reaches dist/', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'overmind-secret-scan-'));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test('`node scripts/synth.js` with credentials in its environment writes none of them, and nothing credential-like', () => {
    const out = path.join(scratch, 'dist');
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'synth.js')], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...planted, OVERMIND_DIST: out },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    const files = readTree(out);
    // The scan really saw the Helm values (where the token is referenced) and every manifest kind we emit.
    expect(files.filter((f) => f.content.includes(TOKEN_REFERENCE)).length).toBe(ENVIRONMENTS.length);
    expect(files.length).toBeGreaterThanOrEqual(ENVIRONMENTS.length * 10);
    expect(scan(files)).toEqual([]);
  });

  test('with TLS on (Secret names only) the in-process synth leaks nothing either', () => {
    const saved = { ...process.env };
    Object.assign(process.env, planted);
    try {
      const clientCertificateDnsNames = [
        'nats.overmind-prod.svc.cluster.local',
        'localhost',
        'nats-headless.overmind-prod.svc.cluster.local',
        '*.nats-headless.overmind-prod.svc.cluster.local',
      ];
      const tls: EnvironmentConfig = {
        ...ENVIRONMENTS.find((e) => e.name === 'prod')!,
        nats: { replicas: 3, tls: { enabled: true, monitor: true, clientCertificateDnsNames } },
      };
      const files = synthesize([tls]).map((f) => ({ file: f.path, content: f.content }));
      expect(files.some((f) => f.content.includes('secretName: nats-client-tls'))).toBe(true);
      expect(scan(files)).toEqual([]);
    } finally {
      for (const name of Object.keys(planted)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });

  test('the scanner itself finds what it must (so an empty result means something)', () => {
    const leaky = [
      { file: 'a.yaml', content: `token: ${planted.NATS_TOKEN}\n` },
      {
        file: 'b.yaml',
        content: 'apiVersion: v1\nkind: Secret\nmetadata: {name: nats-auth}\ndata: {token: c2VjcmV0}\n',
      },
      { file: 'c.yaml', content: 'config:\n  password: hunter2\n' },
      { file: 'd.yaml', content: '-----BEGIN PRIVATE KEY-----\nabc\n' },
      { file: 'e.yaml', content: `url: nats://user:pw@nats:4222\nblob: ${randomBytes(64).toString('base64')}\n` },
      // A NACK Account token block holding a token instead of naming a Secret key, or with no Secret at all.
      {
        file: 'f.yaml',
        content: `spec:\n  token:\n    secret: {name: nats-auth}\n    token: ${randomBytes(32).toString('hex')}\n`,
      },
      { file: 'g.yaml', content: 'spec:\n  token:\n    token: hunter2\n' },
      // ... while naming the key passes
      { file: 'h.yaml', content: 'spec:\n  token:\n    secret: {name: nats-auth}\n    token: token\n' },
    ];
    const whats = scan(leaky).map((f) => `${f.file}: ${f.what}`);
    expect(whats).toEqual(
      expect.arrayContaining([
        'a.yaml: the value of $NATS_TOKEN',
        'a.yaml: a token with a literal value',
        'b.yaml: a Secret object',
        'b.yaml: a token with a literal value',
        'c.yaml: a literal password',
        'd.yaml: a PEM block',
        'e.yaml: user:password in a URL',
        'e.yaml: a long base64 blob',
        'f.yaml: a token with a literal value',
        'g.yaml: a token with a literal value',
      ]),
    );
    expect(whats.filter((w) => w.startsWith('h.yaml'))).toEqual([]);
  });
});
