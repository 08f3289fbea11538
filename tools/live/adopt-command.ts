// `npm run adopt -- --env <env> [--json]`: for every stream and consumer on the server that dist/<env> does not
// declare, the config/<env>.ts entries that reproduce it. Exit 0 when every one is expressed exactly (or there
// is nothing to adopt), 1 when some live setting cannot be written in our config (listed; the entry would
// change it), 2 when it could not run. The migration: docs/operations.md "Adopting streams made by hand".
import { adoptConsumer, adoptStream, Adopted, configEntryText, Unexpressible } from './adopt-config';
import { liveConsumerSpec, liveStreamSpec, Spec } from './jetstream-terms';
import { LiveReport, usageOf } from './live-command';
import { LiveJetStream, runAgainstLiveJetStream } from './live-jetstream';

const USAGE = usageOf(
  'adopt',
  'Prints config/<env>.ts entries (streams, consumers) that reproduce the streams and consumers on the server\n' +
    'that dist/<env> does not declare, so that after `npm run synth` and NACK nothing on the server changes.\n' +
    'Settings our config cannot express are listed (exit 1).',
);

interface AdoptedObject<T> extends Adopted<T> {
  readonly name: string;
}

export interface AdoptResult {
  readonly env: string;
  readonly server: string;
  readonly streams: ReadonlyArray<AdoptedObject<unknown>>;
  readonly consumers: ReadonlyArray<AdoptedObject<unknown> & { readonly stream: string }>;
  /** Streams or consumers that did not answer, so they could not be read. */
  readonly unreadable: readonly string[];
  /** The entries as TypeScript, ready to paste into config/<env>.ts. */
  readonly typescript: string;
}

export function adoptFromLive(
  declared: {
    env: string;
    streams: ReadonlyArray<{ name: string }>;
    consumers: ReadonlyArray<{ name: string; stream: string }>;
  },
  live: LiveJetStream,
  server: string,
): AdoptResult {
  const declaredStreams = new Set(declared.streams.map((s) => s.name));
  const declaredConsumers = new Set(declared.consumers.map((c) => `${c.stream}/${c.name}`));
  const unreadable: string[] = [];
  const streams = live.streams
    .filter((s) => !declaredStreams.has(s.name))
    .flatMap((s) => {
      if (!s.info) return (unreadable.push(`stream ${s.name}: ${s.error ?? 'no answer'}`), []);
      return [{ name: s.name, ...adoptStream(liveStreamSpec(s.info.config as unknown as Spec)) }];
    });
  const consumers = live.consumers
    .filter((c) => !declaredConsumers.has(`${c.stream}/${c.name}`))
    .flatMap((c) => {
      if (!c.info) return (unreadable.push(`consumer ${c.stream}/${c.name}: ${c.error ?? 'no answer'}`), []);
      const adopted = adoptConsumer(liveConsumerSpec(c.stream, c.info.config as unknown as Spec));
      return [{ name: c.name, stream: c.stream, ...adopted }];
    });
  return { env: declared.env, server, streams, consumers, unreadable, typescript: typescriptOf(streams, consumers) };
}

function typescriptOf(
  streams: ReadonlyArray<{ config: unknown }>,
  consumers: ReadonlyArray<{ config: unknown }>,
): string {
  const list = (key: string, entries: ReadonlyArray<{ config: unknown }>) =>
    entries.length === 0 ? [] : [`  ${key}: [`, ...entries.map((e) => configEntryText(e.config as object)), '  ],'];
  return [...list('streams', streams), ...list('consumers', consumers)].join('\n');
}

function formatAdopt(result: AdoptResult): string {
  const env = result.env;
  if (result.streams.length + result.consumers.length + result.unreadable.length === 0) {
    return `Nothing to adopt: every stream and consumer on ${result.server} is declared in dist/${env}.`;
  }
  const problems = [...result.streams, ...result.consumers].flatMap((o) =>
    o.unexpressible.map((u: Unexpressible) => `- ${o.name}: ${u.field} is ${u.live} on the server, but ${u.why}`),
  );
  const lines = [
    `// ${result.streams.length} stream(s) and ${result.consumers.length} consumer(s) on ${result.server} ` +
      `that dist/${env} does not declare.`,
    `// Add these entries to the streams and consumers of config/${env}.ts (an environment that lists streams or`,
    '// consumers replaces the default topology, so keep the ones it declares today), then `npm run synth`,',
    '// `npm run plan`, apply, and `npm run status` (docs/operations.md "Adopting streams made by hand").',
    result.typescript,
  ];
  if (problems.length > 0) {
    lines.push(
      '',
      'Not expressible in our config (the entries above would change these on the server; ' +
        'decide before applying):',
      ...problems,
    );
  }
  if (result.unreadable.length > 0) lines.push('', 'Could not read:', ...result.unreadable.map((u) => `- ${u}`));
  return lines.join('\n');
}

export function adoptReport(result: AdoptResult): LiveReport {
  const inexact = [...result.streams, ...result.consumers].some((o) => o.unexpressible.length > 0);
  return { text: formatAdopt(result), json: result, foundProblems: inexact || result.unreadable.length > 0 };
}

export function run(argv: string[], distDir: string, environment: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runAgainstLiveJetStream(argv, USAGE, distDir, environment, (declared, live, server) =>
    adoptReport(adoptFromLive(declared, live, server)),
  );
}
