// Synth speed and scale benchmark (issue #6). Run with `npm run bench`: bench/run.js snapshots the
// sources into bench/.work/src, builds this file and bench/{synth-generated,floor}.ts with esbuild,
// then runs it. Not a test: it prints figures and target checks, and fails only if a synth fails.
//
// For the default config it times the README command itself (`npm run synth`, bundle up to date
// and after an edit) and for generated configs of BENCH_SIZES streams our synth bundled the way
// scripts/synth.js bundles it; in the same run, on the same objects, two references: the cdk8s
// default path (`npx cdk8s synth` running a `npx ts-node main.ts` app over our code) and two floors:
// the same objects as plain cdk8s ApiObjects written by `app.synth()` (precompiled, no constructs of
// ours, no validation), and the floor the targets use, a plain Node script writing the same objects
// one per file with js-yaml (bench/floor-js-yaml.ts).
//
// Every measured synth is a separate process, timed from spawn to exit (node startup, module
// loading, synth, writing), with its peak RSS from GNU time (`/usr/bin/time -f %M`: the largest
// single process of the tree, e.g. the node child of `npm run`). The rows of one config run
// interleaved (A B C, A B C, ...) after one warm-up each, so background load hits them alike.
//
// Settings (environment): BENCH_RUNS (default 5), BENCH_SIZES (default "10,100,1000"),
// BENCH_SLOW_RUNS (runs of the cdk8s default path at 1,000 streams, default BENCH_RUNS),
// BENCH_OUTDIR (where rows write, default bench/.work/out; a tmpfs leaves the disk out).
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import type { FloorInput } from './floor';
import type { JsYamlFloorInput } from './floor-js-yaml';
import type { SynthRunReport } from './synth-generated';

const ROOT = process.cwd(); // bench/run.js changes to the repository root
const WORK = path.join(ROOT, 'bench', '.work');
const BUILD = path.join(WORK, 'build');
/** Where every row writes its files. BENCH_OUTDIR can point at a tmpfs to leave disk speed out. */
const OUT = process.env.BENCH_OUTDIR ? path.resolve(process.env.BENCH_OUTDIR) : path.join(WORK, 'out');
const APP_DIR = path.join(WORK, 'cdk8s-app');
const BUNDLE = path.join(ROOT, 'build', 'main.js');
const GNU_TIME = '/usr/bin/time';
/** A single synth that takes longer than this is broken, not slow. */
const RUN_TIMEOUT_MS = 10 * 60_000;

const RUNS = positiveInt(process.env.BENCH_RUNS, 5);
const SLOW_RUNS = positiveInt(process.env.BENCH_SLOW_RUNS, RUNS);
const SIZES = (process.env.BENCH_SIZES ?? '10,100,1000').split(',').map((s) => positiveInt(s.trim(), NaN));
const QUIET_ENV = { CDK8S_CHECK_UPGRADE: 'false', npm_config_update_notifier: 'false', NO_COLOR: '1' };

function positiveInt(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got "${text}"`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Measuring one process

interface Sample {
  readonly wallMs: number;
  /** Peak RSS in MB of the largest process of the tree; undefined without GNU time. */
  readonly rssMb?: number;
  /** main() time reported by our own synth entry (generated configs only). */
  readonly report?: SynthRunReport;
}

interface Output {
  readonly objects: number;
  readonly files: number;
  readonly bytes: number;
  /** The biggest object file: Kubernetes refuses objects over about 1.5 MiB (etcd), ConfigMaps over 1 MiB. */
  readonly largest?: { readonly file: string; readonly bytes: number };
}

/** One way of producing the output of a config, run as its own process. */
interface Subject {
  readonly label: string;
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
  /** Where its files land, to count objects and bytes. */
  readonly outdir: string;
  readonly runs: number;
  /** Runs before every measured run (e.g. marking the bundle stale for a cold synth). */
  readonly before?: () => void;
  /** The bundle must not be rebuilt during a warm run; a run that rebuilt it is repeated. */
  readonly warmBundle?: boolean;
  readonly reportFile?: string;
}

const hasGnuTime = fs.existsSync(GNU_TIME);

function runOnce(subject: Subject): Sample {
  subject.before?.();
  const rssFile = path.join(WORK, 'rss.txt');
  fs.rmSync(rssFile, { force: true });
  if (subject.reportFile) fs.rmSync(subject.reportFile, { force: true });
  const [command, ...args] = hasGnuTime ? [GNU_TIME, '-f', '%M', '-o', rssFile, ...subject.command] : subject.command;
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: subject.cwd,
    env: { ...process.env, ...QUIET_ENV, ...subject.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: RUN_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(`${subject.label}: \`${subject.command.join(' ')}\` failed (status ${result.status}, signal ${result.signal}):\n${result.stderr}\n${result.stdout}`);
  }
  const rssKb = hasGnuTime ? Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : NaN;
  const report = subject.reportFile ? JSON.parse(fs.readFileSync(subject.reportFile, 'utf8')) as SynthRunReport : undefined;
  return { wallMs, rssMb: Number.isFinite(rssKb) ? rssKb / 1024 : undefined, report };
}

function bundleMtime(): number {
  return fs.existsSync(BUNDLE) ? fs.statSync(BUNDLE).mtimeMs : -1;
}

/** One run; a warm run during which someone's edit made scripts/synth.js rebuild the bundle is repeated (at most 3 times). */
function measuredRun(subject: Subject, notes: Set<string>): Sample {
  for (let attempt = 1; ; attempt++) {
    const before = bundleMtime();
    const sample = runOnce(subject);
    if (!subject.warmBundle || bundleMtime() === before) return sample;
    notes.add(`${subject.label}: the bundle was rebuilt during a warm run (a source changed); that run was repeated`);
    if (attempt === 3) return sample;
  }
}

interface Row {
  readonly subject: Subject;
  readonly samples: Sample[];
  output?: Output;
}

/** One warm-up each, then the rows interleaved, so load changes hit every row alike. */
function measureInterleaved(subjects: readonly Subject[], notes: Set<string>): Row[] {
  const rows: Row[] = subjects.map((subject) => ({ subject, samples: [] }));
  for (const row of rows) runOnce(row.subject);
  const rounds = Math.max(...subjects.map((s) => s.runs));
  for (let round = 0; round < rounds; round++) {
    for (const row of rows) {
      if (row.samples.length < row.subject.runs) row.samples.push(measuredRun(row.subject, notes));
    }
  }
  for (const row of rows) row.output = countOutput(row.subject.outdir);
  return rows;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const medianWall = (row: Row) => median(row.samples.map((s) => s.wallMs));
const medianRss = (row: Row) => (row.samples.every((s) => s.rssMb !== undefined) ? median(row.samples.map((s) => s.rssMb!)) : undefined);

// ---------------------------------------------------------------------------------------------
// Output: counting, checking that every way wrote the same objects, feeding the floor

function listFiles(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(path.join(dir, entry.name), relative) : [relative];
  }).sort();
}

/** Every YAML file we write holds one cdk8s object, except Helm values (helm/) and Helm's own output (rendered/). */
function isObjectFile(relative: string): boolean {
  const folders = relative.split('/').slice(0, -1);
  return relative.endsWith('.yaml') && !folders.includes('helm') && !folders.includes('rendered');
}

function countOutput(dir: string): Output {
  const files = listFiles(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml') || f.endsWith('.json'));
  const sizes = files.map((f) => ({ file: f, bytes: fs.statSync(path.join(dir, f)).size }));
  const objects = sizes.filter((s) => isObjectFile(s.file));
  const largest = objects.reduce<{ file: string; bytes: number } | undefined>((max, s) => (!max || s.bytes > max.bytes ? s : max), undefined);
  return { objects: objects.length, files: files.length, bytes: sizes.reduce((sum, s) => sum + s.bytes, 0), largest };
}

function digestOfTree(dir: string): string {
  const hash = crypto.createHash('sha256');
  for (const file of listFiles(dir)) hash.update(file).update('\0').update(fs.readFileSync(path.join(dir, file))).update('\0');
  return hash.digest('hex');
}

/** Every object of a tree as canonical JSON, sorted: equal lists mean the same objects, whatever the file names. */
function objectsOfTree(dir: string): string[] {
  return listFiles(dir)
    .filter(isObjectFile)
    .map((f) => canonicalJson(yaml.load(fs.readFileSync(path.join(dir, f), 'utf8'))))
    .sort();
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
}

/** The floor's input: the objects of our own output, one chart per folder (dev/manifests, dev/argocd, ...), other files as they are. */
function writeFloorInput(ourOutdir: string, file: string, jsYamlFile: string): void {
  const byFolder = new Map<string, Array<Record<string, unknown>>>();
  const extraFiles: Array<{ path: string; content: string }> = [];
  const objects: Array<{ path: string; object: Record<string, unknown> }> = [];
  for (const relative of listFiles(ourOutdir)) {
    const content = fs.readFileSync(path.join(ourOutdir, relative), 'utf8');
    if (isObjectFile(relative)) {
      const chart = relative.split('/').slice(0, -1).join('-');
      if (!byFolder.has(chart)) byFolder.set(chart, []);
      const object = yaml.load(content) as Record<string, unknown>;
      byFolder.get(chart)!.push(object);
      objects.push({ path: relative, object });
    } else {
      extraFiles.push({ path: relative, content });
    }
  }
  const input: FloorInput = { charts: [...byFolder].map(([name, objects]) => ({ name, objects })), extraFiles };
  fs.writeFileSync(file, JSON.stringify(input));
  const jsYamlInput: JsYamlFloorInput = { objects, extraFiles };
  fs.writeFileSync(jsYamlFile, JSON.stringify(jsYamlInput));
}

// ---------------------------------------------------------------------------------------------
// The ways of synthesizing one config

/** The cdk8s default: `cdk8s synth` running a TypeScript app through `npx ts-node` (type-checking). */
function writeCdk8sApp(): void {
  fs.mkdirSync(APP_DIR, { recursive: true });
  fs.writeFileSync(path.join(APP_DIR, 'cdk8s.yaml'), [
    '# Written by bench/bench.ts: what `cdk8s init typescript-app` gives a user, running our code.',
    'language: typescript',
    'app: npx ts-node main.ts',
    `output: ${path.join(OUT, 'cdk8s-default-path')}`,
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(APP_DIR, 'main.ts'), [
    '// Written by bench/bench.ts: our synth (bench/synth-generated.ts, from the snapshot in ../src) run the cdk8s default way.',
    "import { runFromEnvironment } from '../src/bench/synth-generated';",
    '',
    "runFromEnvironment(process.env.CDK8S_OUTDIR ?? 'dist');",
    '',
  ].join('\n'));
}

/**
 * The optional rendered-Helm path (tools/helm/helm-tools.ts) finds charts/vendor/nats relative to its own
 * file, which is not the repository root in our snapshot: name it explicitly, so the bench rows do
 * what `npm run synth` does on this machine.
 */
function renderedHelmEnv(): Record<string, string> {
  if (process.env.OVERMIND_NATS_CHART) return {};
  const vendored = path.join(ROOT, 'charts', 'vendor', 'nats');
  if (!fs.existsSync(path.join(vendored, 'Chart.yaml'))) return { OVERMIND_NATS_CHART: 'none' };
  return { OVERMIND_NATS_CHART: vendored, ...(process.env.OVERMIND_HELM ? {} : { OVERMIND_HELM: path.join(ROOT, '.tools', 'helm', 'helm') }) };
}

function cdk8sDefaultPath(streams: string, runs: number): Subject {
  return {
    label: 'cdk8s default path (`npx cdk8s synth`, app `npx ts-node main.ts`)',
    command: ['npx', 'cdk8s', 'synth'], cwd: APP_DIR, env: { BENCH_STREAMS: streams, ...renderedHelmEnv() }, outdir: path.join(OUT, 'cdk8s-default-path'), runs,
  };
}

function floor(name: string, inputFile: string): Subject {
  const outdir = path.join(OUT, `floor-${name}`);
  return { label: 'floor, cdk8s (plain ApiObjects, precompiled, `app.synth()`)', command: ['node', path.join(BUILD, 'floor.js'), inputFile, outdir], cwd: ROOT, env: {}, outdir, runs: RUNS };
}

/** The floor of the targets: the same objects written one per file by a plain Node script with js-yaml. */
function jsYamlFloor(name: string, inputFile: string): Subject {
  const outdir = path.join(OUT, `floor-js-yaml-${name}`);
  return {
    label: 'floor, js-yaml (plain Node script: same objects, one file each)', command: ['node', path.join(BUILD, 'floor-js-yaml.js'), inputFile, outdir],
    cwd: ROOT, env: {}, outdir, runs: RUNS,
  };
}

/** Where the floors read their input; both are written from one run of ours. */
function floorInputs(name: string): { cdk8s: string; jsYaml: string } {
  return { cdk8s: path.join(WORK, `floor-input-${name}.json`), jsYaml: path.join(WORK, `floor-js-yaml-input-${name}.json`) };
}

// ---------------------------------------------------------------------------------------------
// Tables

const fmtS = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
const fmtMb = (mb: number | undefined) => (mb === undefined ? 'n/a' : `${mb.toFixed(0)} MB`);
const fmtBytes = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`);
const fmtX = (x: number) => `${x.toFixed(2)}x`;
const medianMainMs = (row: Row) => median(row.samples.map((s) => s.report!.mainMs));

function printTable(title: string, rows: readonly Row[], ours: Row, reference: Row, floorRow: Row): string {
  const lines = [
    `### ${title}`,
    '',
    '| command | runs | median wall | peak RSS | objects | files | bytes | cdk8s default / this | this / js-yaml floor |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const t = medianWall(row);
    const out = row.output!;
    lines.push(`| ${row.subject.label} | ${row.samples.length} | ${fmtS(t)} | ${fmtMb(medianRss(row))} | ${out.objects} | ${out.files} | ${fmtBytes(out.bytes)} | ` +
      `${fmtX(medianWall(reference) / t)} | ${fmtX(t / medianWall(floorRow))} |`);
  }
  lines.push('');
  if (ours.samples.every((s) => s.report)) {
    lines.push(`Inside our process, main() took ${fmtS(medianMainMs(ours))} (median); the rest of ${fmtS(medianWall(ours))} is node startup and module loading.`);
  }
  const largest = ours.output!.largest;
  if (largest) {
    const limit = largest.bytes > 1024 * 1024 ? ' — **over the 1 MiB a ConfigMap may hold and near or over the ~1.5 MiB etcd accepts per object**' : '';
    lines.push(`Largest object: ${largest.file.replace(/^[^/]+\//, '<env>/')} (${fmtBytes(largest.bytes)})${limit}.`);
  }
  const text = lines.join('\n');
  console.log(`${text}\n`);
  return text;
}

// ---------------------------------------------------------------------------------------------

interface SizeResult {
  readonly streams: number;
  readonly ours: Row;
  readonly reference: Row;
  readonly floor: Row;
  readonly jsYamlFloor: Row;
}

/** The file system the rows write to (longest mount point containing it), e.g. "ext4 (/)". */
function fileSystemOf(dir: string): string {
  try {
    const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map((line) => line.split(' ')).filter((f) => f.length > 2);
    const best = mounts.filter(([, mountPoint]) => dir === mountPoint || dir.startsWith(mountPoint.endsWith('/') ? mountPoint : `${mountPoint}/`))
      .sort((a, b) => b[1].length - a[1].length)[0];
    return best ? `${best[2]} (${best[1]})` : 'unknown file system';
  } catch {
    return 'unknown file system';
  }
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu.trim()}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

function main(): void {
  fs.mkdirSync(OUT, { recursive: true });
  writeCdk8sApp();
  const notes = new Set<string>();
  const sections: string[] = [];
  const startedAt = new Date();
  const loadAtStart = loadavg();
  const helmEnv = renderedHelmEnv();
  const setup = [
    `Machine: ${machine()}.`,
    `Started ${startedAt.toISOString()}, load average ${loadAtStart} (1/5/15 min).`,
    `Runs per row: ${RUNS} (median) after one warm-up, rows interleaved${SLOW_RUNS !== RUNS ? `; the cdk8s default path at 1,000 streams: ${SLOW_RUNS} runs` : ''}.`,
    `Wall time from spawn to exit; peak RSS: ${hasGnuTime ? 'GNU time %M (the largest single process of the tree)' : 'n/a (no /usr/bin/time)'}.`,
    `Output written to ${path.relative(ROOT, OUT) || OUT} on ${fileSystemOf(OUT)}. Rendered-Helm path: ${helmEnv.OVERMIND_NATS_CHART === 'none' ? 'off (no charts/vendor/nats)' : 'on'}.`,
  ].join('\n');
  console.log(`# overmind-nats synth benchmark\n\n${setup}\n`);

  // Default config: exactly the README command, warm and after an edit, plus the references.
  const defaultOut = (name: string) => path.join(OUT, `default-${name}`);
  const npmWarm: Subject = { label: '`npm run synth` (bundle up to date)', command: ['npm', 'run', 'synth'], cwd: ROOT, env: { OVERMIND_DIST: defaultOut('npm') }, outdir: defaultOut('npm'), runs: RUNS, warmBundle: true };
  const nodeWarm: Subject = { label: '`node scripts/synth.js` (bundle up to date)', command: ['node', 'scripts/synth.js'], cwd: ROOT, env: { OVERMIND_DIST: defaultOut('node') }, outdir: defaultOut('node'), runs: RUNS, warmBundle: true };
  const npmCold: Subject = {
    label: '`npm run synth` after an edit (esbuild rebuilds the bundle)', command: ['npm', 'run', 'synth'], cwd: ROOT,
    env: { OVERMIND_DIST: defaultOut('cold') }, outdir: defaultOut('cold'), runs: RUNS,
    // Same as saving a source: the bundle becomes older than the sources, without touching anyone's files.
    before: () => fs.utimesSync(BUNDLE, new Date(0), new Date(0)),
  };
  const cdk8sOurApp: Subject = {
    label: '`npx cdk8s synth` with the repo\'s cdk8s.yaml (app `node scripts/synth.js`)', command: ['npx', 'cdk8s', 'synth', '--output', path.join(OUT, 'default-cdk8s-cli')], cwd: ROOT,
    env: { OVERMIND_DIST: defaultOut('cdk8s-cli-dist') }, outdir: defaultOut('cdk8s-cli-dist'), runs: RUNS, warmBundle: true,
  };
  runOnce(npmWarm); // builds the bundle if a source changed, and gives the floor its input
  const defaultFloorInput = floorInputs('default');
  writeFloorInput(defaultOut('npm'), defaultFloorInput.cdk8s, defaultFloorInput.jsYaml);
  const defaultRows = measureInterleaved([npmWarm, nodeWarm, npmCold, cdk8sOurApp, cdk8sDefaultPath('default', RUNS),
    floor('default', defaultFloorInput.cdk8s), jsYamlFloor('default', defaultFloorInput.jsYaml)], notes);
  checkSameOutput('default config', defaultRows, notes);
  sections.push(printTable('Default config (config/: dev, staging, prod)', defaultRows, defaultRows[0], defaultRows[4], defaultRows[6]));

  // Generated configs: our synth from the snapshot, bundled like scripts/synth.js does it.
  const results: SizeResult[] = [];
  for (const streams of SIZES) {
    const outdir = path.join(OUT, `ours-${streams}`);
    const reportFile = path.join(WORK, `report-${streams}.json`);
    const ours: Subject = {
      label: 'ours: esbuild bundle run by `node` (what `npm run synth` runs)', command: ['node', path.join(BUILD, 'synth-generated.js')], cwd: ROOT,
      env: { BENCH_STREAMS: String(streams), OVERMIND_DIST: outdir, BENCH_REPORT: reportFile, ...helmEnv }, outdir, runs: RUNS, reportFile,
    };
    runOnce(ours);
    const floorInput = floorInputs(String(streams));
    writeFloorInput(outdir, floorInput.cdk8s, floorInput.jsYaml);
    const rows = measureInterleaved([ours, cdk8sDefaultPath(String(streams), streams >= 1000 ? SLOW_RUNS : RUNS),
      floor(String(streams), floorInput.cdk8s), jsYamlFloor(String(streams), floorInput.jsYaml)], notes);
    checkSameOutput(`${streams} streams`, rows, notes);
    sections.push(printTable(`${streams} streams, 3 consumers and 1 scaler each, 3 environments`, rows, rows[0], rows[1], rows[3]));
    results.push({ streams, ours: rows[0], reference: rows[1], floor: rows[2], jsYamlFloor: rows[3] });
    // 60,000 files and the floors' inputs at 1,000 streams: keep only the tables.
    for (const row of rows) fs.rmSync(row.subject.outdir, { recursive: true, force: true });
    for (const file of Object.values(floorInput)) fs.rmSync(file, { force: true });
  }

  if (results.length > 0) sections.push(printGrowth(results));
  sections.push(printTargets(defaultRows, results));
  const loadAtEnd = loadavg();
  const footer = [
    `Finished ${new Date().toISOString()} (${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s), load average ${loadAtEnd} (at start ${loadAtStart}).`,
    ...[...notes].map((n) => `- ${n}`),
  ].join('\n');
  console.log(footer);
  fs.writeFileSync(path.join(WORK, 'results.md'), [setup, ...sections, footer].join('\n\n') + '\n');
  console.log(`\n(also written to ${path.relative(ROOT, path.join(WORK, 'results.md'))})`);
}

/** Our rows and the cdk8s default path must write the same files; the floor the same objects (its files are named by cdk8s). */
function checkSameOutput(what: string, rows: readonly Row[], notes: Set<string>): void {
  const oursRow = rows[0];
  const ourDigest = digestOfTree(oursRow.subject.outdir);
  const isFloor = (row: Row) => row.subject.label.startsWith('floor');
  const different = rows.slice(1).filter((row) => !isFloor(row) && digestOfTree(row.subject.outdir) !== ourDigest);
  for (const row of different) notes.add(`${what}: ${row.subject.label} wrote different files than ${oursRow.subject.label} (did a source change during the run?)`);
  const ourObjects = objectsOfTree(oursRow.subject.outdir);
  const floorDiffers = rows.filter(isFloor).some((row) => JSON.stringify(objectsOfTree(row.subject.outdir)) !== JSON.stringify(ourObjects));
  if (floorDiffers) notes.add(`${what}: a floor's objects differ from ours`);
  if (different.length === 0 && !floorDiffers) notes.add(`${what}: every row wrote the same ${ourObjects.length} objects (byte-identical files; the floors' compared parsed)`);
}

/** Set by printGrowth when it could compare two marginal costs. */
let growthIsLinear: boolean | undefined;

function printGrowth(results: readonly SizeResult[]): string {
  const lines = ['### Growth with the number of streams (ours)', '',
    '| streams | median wall | per stream | marginal per stream | main() in-process | per stream | marginal per stream |', '|---|---|---|---|---|---|---|'];
  let previous: SizeResult | undefined;
  const marginals: Array<{ from: number; to: number; wall: number; inProcess: number }> = [];
  for (const r of results) {
    const t = medianWall(r.ours);
    const inProcess = medianMainMs(r.ours);
    let marginalWall = '—';
    let marginalInProcess = '—';
    if (previous) {
      const streams = r.streams - previous.streams;
      const m = { from: previous.streams, to: r.streams, wall: (t - medianWall(previous.ours)) / streams, inProcess: (inProcess - medianMainMs(previous.ours)) / streams };
      marginals.push(m);
      marginalWall = `${m.wall.toFixed(2)} ms (${m.from}→${m.to})`;
      marginalInProcess = `${m.inProcess.toFixed(2)} ms`;
    }
    lines.push(`| ${r.streams} | ${fmtS(t)} | ${(t / r.streams).toFixed(2)} ms | ${marginalWall} | ${fmtS(inProcess)} | ${(inProcess / r.streams).toFixed(2)} ms | ${marginalInProcess} |`);
    previous = r;
  }
  // Node startup and module loading dominate small configs, so compare the cost of each added stream.
  const last = marginals[marginals.length - 1];
  const before = marginals[marginals.length - 2];
  if (last && before) {
    const ratio = last.wall / before.wall;
    const [small, big] = [results[results.length - 2], results[results.length - 1]];
    const perStreamRatio = (medianWall(big.ours) / big.streams) / (medianWall(small.ours) / small.streams);
    const superlinear = ratio > 1.5 || perStreamRatio > 1.5;
    growthIsLinear = !superlinear;
    lines.push('', `Each stream added from ${last.from} to ${last.to} costs ${fmtX(ratio)} what one added from ${before.from} to ${before.to} cost ` +
      `(wall; ${fmtX(last.inProcess / before.inProcess)} in-process); time per stream at ${big.streams} is ${fmtX(perStreamRatio)} that at ${small.streams}: ` +
      (superlinear ? '**SUPERLINEAR** (more than 1.5x).' : 'linear (within 1.5x).'));
  }
  const text = lines.join('\n');
  console.log(`${text}\n`);
  return text;
}

function printTargets(defaultRows: readonly Row[], results: readonly SizeResult[]): string {
  const check = (ok: boolean, text: string) => `- ${ok ? 'PASS' : 'FAIL'}: ${text}`;
  const npmWarm = medianWall(defaultRows[0]);
  const npmCold = medianWall(defaultRows[2]);
  const reference = medianWall(defaultRows[4]);
  const lines = ['### Targets', '',
    check(npmWarm <= 500, `\`npm run synth\`, default config, bundle up to date: ${fmtS(npmWarm)} (target ≤ 0.5 s; after an edit ${fmtS(npmCold)})`),
    check(reference / npmWarm >= 5, `cdk8s default path / \`npm run synth\`: ${fmtX(reference / npmWarm)} (target ≥ 5x)`),
  ];
  const big = results.find((r) => r.streams === 1000);
  if (big) {
    const ratio = medianWall(big.ours) / medianWall(big.jsYamlFloor);
    const rss = medianRss(big.ours);
    lines.push(check(ratio <= 2, `1,000 streams, ours / js-yaml floor: ${fmtX(ratio)} (${fmtS(medianWall(big.ours))} / ${fmtS(medianWall(big.jsYamlFloor))}; target ≤ 2.0x; ` +
      `ours / cdk8s floor ${fmtX(medianWall(big.ours) / medianWall(big.floor))})`));
    lines.push(check(rss !== undefined && rss < 300, `1,000 streams, peak RSS: ${fmtMb(rss)} (target < 300 MB; js-yaml floor ${fmtMb(medianRss(big.jsYamlFloor))})`));
  }
  if (growthIsLinear !== undefined) lines.push(check(growthIsLinear, 'growth with the number of streams is linear (see the growth table: within 1.5x)'));
  const text = lines.join('\n');
  console.log(`${text}\n`);
  return text;
}

main();
