import * as fs from 'fs';
import * as yaml from 'js-yaml';
// The NACK request oracle (test/support/nack-jetstream-api.ts) against NACK v0.22.4 and jsm.go
// v0.3.0, line by line, and Go duration parsing (lib/config/go-duration.ts) against Go's own vectors.
import { goDurationToNanos, parseGoDuration } from '../../lib/config/go-duration';
import { NACK_CONSUMER_CRD_DEFAULTS, NACK_STREAM_CRD_DEFAULTS } from '../../tools/plan/nack-control-loop';
import {
  consumerSpecToApiRequest,
  NACK_CONNECTION_FIELDS,
  streamSpecToApiConfig,
  UNMODELLED_CONSUMER_FIELDS,
  UNMODELLED_STREAM_FIELDS,
} from '../support/nack-jetstream-api';
import { describeWithShared, requireSharedFile } from '../support/shared';

const SECOND = 1_000_000_000n;
const HOUR = 3600n * SECOND;

describe('parseGoDuration (Go time.ParseDuration)', () => {
  // Vectors from Go's src/time/time_test.go parseDurationTests.
  test.each<[string, bigint]>([
    ['0', 0n],
    ['5s', 5n * SECOND],
    ['1478s', 1478n * SECOND],
    ['-5s', -5n * SECOND],
    ['+5s', 5n * SECOND],
    ['-0', 0n],
    ['+0', 0n],
    ['5.0s', 5n * SECOND],
    ['5.6s', 5n * SECOND + 600_000_000n],
    ['5.s', 5n * SECOND],
    ['.5s', 500_000_000n],
    ['1.004s', SECOND + 4_000_000n],
    ['100.00100s', 100n * SECOND + 1_000_000n],
    ['10ns', 10n],
    ['11us', 11_000n],
    ['12µs', 12_000n],
    ['12μs', 12_000n],
    ['13ms', 13_000_000n],
    ['15m', 15n * 60n * SECOND],
    ['16h', 16n * HOUR],
    ['3h30m', 3n * HOUR + 30n * 60n * SECOND],
    ['10.5s4m', 4n * 60n * SECOND + 10n * SECOND + 500_000_000n],
    ['-2m3.4s', -(2n * 60n * SECOND + 3n * SECOND + 400_000_000n)],
    ['1h2m3s4ms5us6ns', HOUR + 2n * 60n * SECOND + 3n * SECOND + 4_000_000n + 5_000n + 6n],
    ['39h9m14.425s', 39n * HOUR + 9n * 60n * SECOND + 14n * SECOND + 425_000_000n],
    ['52763797000ns', 52763797000n],
    ['0.3333333333333333333h', 20n * 60n * SECOND],
    ['9007199254740993ns', (1n << 53n) + 1n],
    ['9223372036854775807ns', (1n << 63n) - 1n],
    ['9223372036854775.807us', (1n << 63n) - 1n],
    ['9223372036s854ms775us807ns', (1n << 63n) - 1n],
    ['-9223372036854775808ns', -(1n << 63n)],
    ['-9223372036854775.808us', -(1n << 63n)],
    ['-2562047h47m16.854775808s', -(1n << 63n)],
    ['0.100000000000000000000h', 6n * 60n * SECOND],
    ['0.830103483285477580700h', 49n * 60n * SECOND + 48n * SECOND + 372_539_827n],
    // The values our manifests use.
    ['168h', 168n * HOUR],
    ['720h', 720n * HOUR],
    ['1m', 60n * SECOND],
    ['120s', 120n * SECOND],
    ['0s', 0n],
  ])('parses %j', (text, nanos) => {
    expect(parseGoDuration(text)).toBe(nanos);
  });

  test.each<[string, RegExp]>([
    ['7d', /^time: unknown unit "d" in duration "7d"$/],
    ['1w', /unknown unit "w"/],
    ['', /^time: invalid duration ""$/],
    ['3', /^time: missing unit in duration "3"$/],
    ['-', /invalid duration "-"/],
    ['s', /invalid duration "s"/],
    ['.', /invalid duration "\."/],
    ['-.', /invalid duration/],
    ['.s', /invalid duration/],
    ['+.s', /invalid duration/],
    ['1 h', /unknown unit " h"/],
    ['1H', /unknown unit "H"/],
    ['1hh', /unknown unit "hh"/],
    [' 1h', /invalid duration/],
    ['1e3s', /unknown unit "e"/],
    ['30 seconds', /unknown unit " seconds"/],
    ['9223372036854775810ns', /invalid duration/],
    ['9223372036854775808ns', /invalid duration/],
    ['-9223372036854775809ns', /invalid duration/],
    ['9223372036854775.808us', /invalid duration/],
    ['-9223372036854775.809us', /invalid duration/],
    ['2562048h', /invalid duration/],
  ])('fails on %j', (text, message) => {
    expect(() => parseGoDuration(text)).toThrow(message);
  });

  test('goDurationToNanos gives a number for values a double holds exactly (incl. jsm.go 8760h)', () => {
    expect(goDurationToNanos('30s')).toBe(30_000_000_000);
    expect(goDurationToNanos('8760h')).toBe(31_536_000_000_000_000);
  });

  test('fails when a duration is not exactly representable as a JavaScript number', () => {
    expect(() => goDurationToNanos('9007199254740993ns')).toThrow(/not exactly representable/);
  });
});

describe('streamSpecToApiConfig (NACK control-loop create)', () => {
  const prodRouting = {
    name: 'routing-decisions',
    description: 'Routing decisions',
    subjects: ['routing.>'],
    retention: 'limits',
    maxBytes: 1073741824,
    discard: 'old',
    maxAge: '168h',
    storage: 'file',
    replicas: 3,
  } as const;

  test("maps the spec to jsm.go's JSON keys, Go durations to nanoseconds, keeps jsm.go template limits", () => {
    expect(streamSpecToApiConfig(prodRouting)).toEqual({
      name: 'routing-decisions',
      description: 'Routing decisions',
      subjects: ['routing.>'],
      retention: 'limits',
      max_consumers: -1,
      max_msgs: -1,
      max_bytes: 1073741824,
      discard: 'old',
      max_age: 604_800_000_000_000, // 168h
      max_msgs_per_subject: -1, // jsm.go DefaultStream (streams.go:37)
      max_msg_size: -1,
      storage: 'file',
      num_replicas: 3,
      // jsm.go api/streams.go:676-687 and :702 carry no omitempty: always on the wire.
      sealed: false,
      deny_delete: false,
      deny_purge: false,
      allow_rollup_hdrs: false,
      allow_direct: false,
      mirror_direct: false,
      consumer_limits: {},
    });
  });

  test('a stream without maxAge gets jsm.go DefaultStream 1 year (8760h), not unlimited (jsm.go streams.go:39)', () => {
    const { maxAge: _omit, ...noMaxAge } = prodRouting;
    expect(streamSpecToApiConfig(noMaxAge).max_age).toBe(31_536_000_000_000_000);
    expect(streamSpecToApiConfig({ ...prodRouting, maxAge: '' }).max_age).toBe(31_536_000_000_000_000);
  });

  test('"0s" is sent as 0, unlimited: NACK sends any non-empty maxAge (stream_controller.go:359-365)', () => {
    expect(streamSpecToApiConfig({ ...prodRouting, maxAge: '0s' }).max_age).toBe(0);
    expect(streamSpecToApiConfig({ ...prodRouting, maxAge: '0' }).max_age).toBe(0);
  });

  test('duplicateWindow "0s" is sent as 0, which omitempty drops (api/streams.go:666): the server default applies', () => {
    expect(streamSpecToApiConfig({ ...prodRouting, duplicateWindow: '0s' })).not.toHaveProperty('duplicate_window');
  });

  test('compression "none" is jsm.go NoCompression = 0, dropped by omitempty; "s2" is sent', () => {
    expect(streamSpecToApiConfig({ ...prodRouting, compression: 'none' })).not.toHaveProperty('compression');
    expect(streamSpecToApiConfig({ ...prodRouting, compression: 's2' }).compression).toBe('s2');
  });

  test('placement: an empty one is not sent; a cluster and tags are (stream_controller.go:398-404)', () => {
    expect(streamSpecToApiConfig({ ...prodRouting, placement: {} })).not.toHaveProperty('placement');
    expect(streamSpecToApiConfig({ ...prodRouting, placement: { cluster: 'east' } }).placement).toEqual({
      cluster: 'east',
    });
    // Listed tags, even none, create the placement object (an empty tags list is then omitted).
    expect(streamSpecToApiConfig({ ...prodRouting, placement: { tags: [] } }).placement).toEqual({});
  });

  test('CRD defaults apply to absent fields: storage memory, replicas 1, retention limits', () => {
    const cfg = streamSpecToApiConfig({ name: 'bare', subjects: ['bare.>'] });
    expect(cfg.storage).toBe('memory');
    expect(cfg.num_replicas).toBe(1);
    expect(cfg.retention).toBe('limits');
    expect(cfg.max_bytes).toBe(-1);
    expect(cfg.discard).toBe('old');
    expect(cfg).not.toHaveProperty('duplicate_window');
    expect(cfg).not.toHaveProperty('description');
  });

  test('optional fields: duplicateWindow, maxMsgsPerSubject, discardPerSubject forces discard new, switches', () => {
    const cfg = streamSpecToApiConfig({
      ...prodRouting,
      duplicateWindow: '2m',
      maxMsgsPerSubject: 10,
      discardPerSubject: true,
      denyDelete: true,
      allowRollup: false,
      compression: 's2',
      placement: { tags: ['ssd'] },
      metadata: { team: 'overmind' },
    });
    expect(cfg.duplicate_window).toBe(120_000_000_000);
    expect(cfg.max_msgs_per_subject).toBe(10);
    expect(cfg.discard_new_per_subject).toBe(true);
    expect(cfg.discard).toBe('new');
    expect(cfg.deny_delete).toBe(true);
    expect(cfg.allow_rollup_hdrs).toBe(false);
    expect(cfg.compression).toBe('s2');
    expect(cfg.placement).toEqual({ tags: ['ssd'] });
    expect(cfg.metadata).toEqual({ team: 'overmind' });
  });

  test('maxMsgSize is cast to int32 like NACK does (values above 2^31-1 wrap)', () => {
    expect(streamSpecToApiConfig({ ...prodRouting, maxMsgSize: 2 ** 31 }).max_msg_size).toBe(-(2 ** 31));
  });

  test('connection fields are accepted and never reach the API body', () => {
    const cfg = streamSpecToApiConfig({ ...prodRouting, account: 'nats-account', preventDelete: true, servers: [] });
    expect(cfg).not.toHaveProperty('account');
    expect(cfg).not.toHaveProperty('prevent_delete');
  });

  test('fails when maxAge uses a "d" unit, with Go\'s message and the fix', () => {
    expect(() => streamSpecToApiConfig({ ...prodRouting, maxAge: '7d' })).toThrow(
      /Stream "routing-decisions": spec\.maxAge="7d" is not a Go duration \(time: unknown unit "d" in duration "7d"\); write e\.g\. "168h"/,
    );
  });

  test('fails when duplicateWindow is garbage', () => {
    expect(() => streamSpecToApiConfig({ ...prodRouting, duplicateWindow: '2 minutes' })).toThrow(
      /spec\.duplicateWindow="2 minutes" is not a Go duration/,
    );
  });

  test('fails when a field is not part of the CRD (the API server would prune it silently)', () => {
    expect(() => streamSpecToApiConfig({ ...prodRouting, maxage: '168h' })).toThrow(
      /spec\.maxage is not a NACK v1beta2 field/,
    );
  });

  test('fails when an unmodelled NACK field is set instead of mapping it wrongly', () => {
    expect(() => streamSpecToApiConfig({ ...prodRouting, mirror: { name: 'x' } })).toThrow(
      /spec\.mirror=.* does not model/,
    );
    expect(() => streamSpecToApiConfig({ ...prodRouting, allowMsgTtl: false })).not.toThrow();
  });

  test('fails when enums or names are invalid', () => {
    expect(() => streamSpecToApiConfig({ ...prodRouting, storage: 'disk' as never })).toThrow(
      /spec\.storage="disk" must be one of file, memory/,
    );
    expect(() => streamSpecToApiConfig({ ...prodRouting, name: 'bad.name' })).toThrow(
      /spec\.name must be non-empty without '\.'/,
    );
    expect(() => streamSpecToApiConfig({ ...prodRouting, maxBytes: 1.5 })).toThrow(
      /spec\.maxBytes=1\.5 must be an integer/,
    );
  });
});

describe('consumerSpecToApiRequest (NACK control-loop create)', () => {
  const analytics = {
    durableName: 'analytics-consumer',
    streamName: 'routing-decisions',
    deliverPolicy: 'all',
    ackPolicy: 'explicit',
    ackWait: '1m',
    maxDeliver: 5,
    filterSubject: 'routing.>',
    replayPolicy: 'instant',
    maxAckPending: 1000,
    description: 'Analytics',
    maxRequestBatch: 1000,
  } as const;

  test('maps to the stream (request subject) and the consumer config', () => {
    expect(consumerSpecToApiRequest(analytics)).toEqual({
      stream: 'routing-decisions',
      config: {
        durable_name: 'analytics-consumer',
        name: 'analytics-consumer',
        description: 'Analytics',
        deliver_policy: 'all',
        ack_policy: 'explicit',
        ack_wait: 60_000_000_000,
        max_deliver: 5,
        filter_subject: 'routing.>',
        replay_policy: 'instant',
        max_ack_pending: 1000,
        max_batch: 1000, // maxRequestBatch -> max_batch
        num_replicas: 0, // inherit the stream's
        pause_until: '0001-01-01T00:00:00Z', // a time.Time: omitempty never drops it (api/consumers.go:584)
      },
    });
  });

  test(
    'ackWait "" is not sent, so jsm.go DefaultConsumer\'s 30s stays ' +
      '(consumers.go:36); "0s" is dropped by omitempty',
    () => {
      expect(consumerSpecToApiRequest({ ...analytics, ackWait: '' }).config.ack_wait).toBe(30_000_000_000);
      expect(consumerSpecToApiRequest({ ...analytics, ackWait: '0s' }).config).not.toHaveProperty('ack_wait');
    },
  );

  test('CRD defaults: ackPolicy none and ackWait 1ns when absent (nats-io/nack#136)', () => {
    const { config } = consumerSpecToApiRequest({ durableName: 'c', streamName: 's' });
    expect(config.ack_policy).toBe('none');
    expect(config.ack_wait).toBe(1);
    expect(config.deliver_policy).toBe('all');
    expect(config.replay_policy).toBe('instant');
  });

  test('filterSubjects with one element is sent as filter_subject (jsm.go), several as filter_subjects', () => {
    expect(
      consumerSpecToApiRequest({ durableName: 'c', streamName: 's', filterSubjects: ['memory.consolidated'] }).config,
    ).toMatchObject({
      filter_subject: 'memory.consolidated',
    });
    const multi = consumerSpecToApiRequest({
      durableName: 'c',
      streamName: 's',
      filterSubjects: ['a.x', 'a.y'],
    }).config;
    expect(multi.filter_subjects).toEqual(['a.x', 'a.y']);
    expect(multi).not.toHaveProperty('filter_subject');
  });

  test('maxDeliver 0 is omitted (the server then means unlimited), -1 is sent', () => {
    expect(consumerSpecToApiRequest({ ...analytics, maxDeliver: 0 }).config).not.toHaveProperty('max_deliver');
    expect(consumerSpecToApiRequest({ ...analytics, maxDeliver: -1 }).config.max_deliver).toBe(-1);
  });

  test.each<[string, string]>([
    ['all', 'all'],
    ['last', 'last'],
    ['new', 'new'],
    ['lastPerSubject', 'last_per_subject'],
  ])('deliverPolicy %s -> %s', (nack, api) => {
    expect(consumerSpecToApiRequest({ ...analytics, deliverPolicy: nack as never }).config.deliver_policy).toBe(api);
  });

  test('byStartSequence -> by_start_sequence with opt_start_seq; start options travel only with their policy', () => {
    const seq = consumerSpecToApiRequest({ ...analytics, deliverPolicy: 'byStartSequence', optStartSeq: 42 }).config;
    expect(seq).toMatchObject({ deliver_policy: 'by_start_sequence', opt_start_seq: 42 });
    const time = consumerSpecToApiRequest({
      ...analytics,
      deliverPolicy: 'byStartTime',
      optStartTime: '2026-01-01T00:00:00Z',
    }).config;
    expect(time).toMatchObject({ deliver_policy: 'by_start_time', opt_start_time: '2026-01-01T00:00:00Z' });
    expect(consumerSpecToApiRequest({ ...analytics, deliverPolicy: 'all', optStartSeq: 42 }).config).not.toHaveProperty(
      'opt_start_seq',
    );
    expect(consumerSpecToApiRequest({ ...analytics, deliverPolicy: 'byStartSequence' }).config).not.toHaveProperty(
      'opt_start_seq',
    );
  });

  test('optStartTime is sent in UTC, as jsm.go StartAtTime stores t.UTC() and Go marshals it', () => {
    const at = (optStartTime: string) =>
      consumerSpecToApiRequest({ ...analytics, deliverPolicy: 'byStartTime', optStartTime }).config.opt_start_time;
    expect(at('2026-01-01T02:30:00+02:00')).toBe('2026-01-01T00:30:00Z');
    expect(at('2026-01-01T00:00:00.250000Z')).toBe('2026-01-01T00:00:00.25Z');
    expect(() => at('2026-01-01 00:00:00')).toThrow(/must be an RFC3339 time/);
  });

  test('sampleFreq: "0" means no sampling (jsm.go SamplePercent), "+5" and "5%" are 5%, over 100 fails', () => {
    expect(consumerSpecToApiRequest({ ...analytics, sampleFreq: '0' }).config).not.toHaveProperty('sample_freq');
    expect(consumerSpecToApiRequest({ ...analytics, sampleFreq: '+5' }).config.sample_freq).toBe('5%');
    expect(consumerSpecToApiRequest({ ...analytics, sampleFreq: '5%' }).config.sample_freq).toBe('5%');
    expect(() => consumerSpecToApiRequest({ ...analytics, sampleFreq: '101' })).toThrow(/percentage 0\.\.100/);
  });

  test('zero durations are dropped by omitempty: inactiveThreshold "0s", heartbeatInterval "0s"', () => {
    const cfg = consumerSpecToApiRequest({ ...analytics, inactiveThreshold: '0s', heartbeatInterval: '0s' }).config;
    expect(cfg).not.toHaveProperty('inactive_threshold');
    expect(cfg).not.toHaveProperty('idle_heartbeat');
  });

  test('push consumer fields and other durations', () => {
    const cfg = consumerSpecToApiRequest({
      durableName: 'push',
      streamName: 's',
      ackPolicy: 'explicit',
      ackWait: '30s',
      deliverSubject: 'deliver.push',
      deliverGroup: 'workers',
      heartbeatInterval: '5s',
      flowControl: true,
      sampleFreq: '50',
      inactiveThreshold: '1h',
      replicas: 1,
    }).config;
    expect(cfg).toMatchObject({
      deliver_subject: 'deliver.push',
      deliver_group: 'workers',
      idle_heartbeat: 5_000_000_000,
      flow_control: true,
      sample_freq: '50%',
      inactive_threshold: 3_600_000_000_000,
      num_replicas: 1,
    });
  });

  test('fails when ackWait is not a Go duration', () => {
    expect(() => consumerSpecToApiRequest({ ...analytics, ackWait: '30 seconds' })).toThrow(
      /Consumer "analytics-consumer": spec\.ackWait="30 seconds" is not a Go duration \(time: unknown unit " seconds"/,
    );
    expect(() => consumerSpecToApiRequest({ ...analytics, ackWait: '2d' })).toThrow(/unknown unit "d"/);
  });

  test('fails when both filterSubject and filterSubjects are set (NACK refuses)', () => {
    expect(() => consumerSpecToApiRequest({ ...analytics, filterSubjects: ['routing.>'] })).toThrow(
      /cannot set both 'filterSubject' and 'filterSubjects'/,
    );
  });

  test('fails when byStartTime has no optStartTime', () => {
    expect(() => consumerSpecToApiRequest({ ...analytics, deliverPolicy: 'byStartTime' })).toThrow(
      /optStartTime must be an RFC3339 time/,
    );
  });

  test('fails when names or enums are invalid', () => {
    expect(() => consumerSpecToApiRequest({ ...analytics, durableName: 'api.consumer' })).toThrow(
      /spec\.durableName must be non-empty/,
    );
    expect(() => consumerSpecToApiRequest({ ...analytics, ackPolicy: 'manual' as never })).toThrow(
      /spec\.ackPolicy="manual" must be one of none, all, explicit/,
    );
    expect(() => consumerSpecToApiRequest({ ...analytics, streamName: '' })).toThrow(
      /spec\.streamName="" must name a stream/,
    );
  });

  test('fails when an unknown field or an unmodelled field (backoff) is set', () => {
    expect(() => consumerSpecToApiRequest({ ...analytics, ackwait: '30s' })).toThrow(
      /spec\.ackwait is not a NACK v1beta2 field/,
    );
    expect(() => consumerSpecToApiRequest({ ...analytics, backoff: ['1s'] })).toThrow(
      /spec\.backoff=.* does not model/,
    );
  });
});

// The defaults and the field classification above are only right if they match the pinned CRD.
describeWithShared(['crds/nack-crds.yaml'])('agreement with the pinned NACK CRD (shared/crds/nack-crds.yaml)', () => {
  const crds = yaml.loadAll(fs.readFileSync(requireSharedFile('crds/nack-crds.yaml'), 'utf8')) as Array<{
    spec: {
      names: { kind: string };
      versions: Array<{
        name: string;
        schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, { default?: unknown }> } } } };
      }>;
    };
  }>;
  const specProperties = (kind: string) => {
    const crd = crds.find((c) => c?.spec?.names?.kind === kind);
    const version = crd?.spec.versions.find((v) => v.name === 'v1beta2');
    if (!version) throw new Error(`no v1beta2 ${kind} in the CRD file`);
    return version.schema.openAPIV3Schema.properties.spec.properties;
  };

  test.each([
    ['Stream', NACK_STREAM_CRD_DEFAULTS],
    ['Consumer', NACK_CONSUMER_CRD_DEFAULTS],
  ] as const)('every %s default we assume is the CRD default', (kind, defaults) => {
    const props = specProperties(kind);
    for (const [field, value] of Object.entries(defaults)) {
      expect({ field, default: props[field]?.default }).toEqual({ field, default: value });
    }
  });

  test.each([
    ['Stream', streamSpecToApiConfig, { name: 's', subjects: ['s.>'] }, UNMODELLED_STREAM_FIELDS],
    ['Consumer', consumerSpecToApiRequest, { durableName: 'c', streamName: 's' }, UNMODELLED_CONSUMER_FIELDS],
  ] as const)(
    'every %s CRD field is either mapped, a connection field or a known unmodelled field',
    (kind, map, base, unmodelled) => {
      for (const field of Object.keys(specProperties(kind))) {
        if (NACK_CONNECTION_FIELDS.includes(field) || field in unmodelled || field in base) continue;
        // A mapped field must not be refused as unknown (its value may be refused, not its name).
        let message = '';
        try {
          (map as (s: unknown) => unknown)({ ...base, [field]: undefined });
        } catch (e) {
          message = (e as Error).message;
        }
        expect({ field, message }).toEqual({ field, message: '' });
      }
    },
  );
});
