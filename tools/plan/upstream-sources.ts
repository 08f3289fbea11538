// The upstream code and docs the plan's findings rest on, as links a reviewer can open: source
// files on GitHub at the exact tags we pin (NACK v0.22.4 with its jsm.go v0.3.0 from its go.mod,
// nats-server v2.14.2, the nats chart 2.14.2), and the Kubernetes docs. Each link keeps the text
// found on its lines, so `scripts/check-upstream-links.ts` can check every line number
// against local clones when a pin moves.

/** A cited line range and the text found there (a substring of one of those lines). */
export interface UpstreamQuote {
  readonly url: string;
  readonly quote: string;
}

const cited: UpstreamQuote[] = [];

/** Every source link defined below, with its quote. */
export const UPSTREAM_QUOTES: readonly UpstreamQuote[] = cited;

/** Pinned repositories: GitHub `owner/name`, the tag, and (for a chart) the folder inside it. */
export const PINNED = {
  nack: { repo: 'nats-io/nack', tag: 'v0.22.4', folder: '' },
  jsm: { repo: 'nats-io/jsm.go', tag: 'v0.3.0', folder: '' },
  server: { repo: 'nats-io/nats-server', tag: 'v2.14.2', folder: '' },
  chart: { repo: 'nats-io/k8s', tag: 'nats-2.14.2', folder: 'helm/charts/nats/' },
} as const;

type Pin = (typeof PINNED)[keyof typeof PINNED];

function github(pin: Pin, path: string, line: number, quote: string, endLine?: number): string {
  const lines = endLine === undefined ? `#L${line}` : `#L${line}-L${endLine}`;
  const url = `https://github.com/${pin.repo}/blob/${pin.tag}/${pin.folder}${path}${lines}`;
  cited.push({ url, quote });
  return url;
}

type Cite = (path: string, line: number, quote: string, endLine?: number) => string;
const pinned =
  (pin: Pin): Cite =>
  (path, line, quote, endLine) =>
    github(pin, path, line, quote, endLine);
const nack = pinned(PINNED.nack);
const jsm = pinned(PINNED.jsm);
const server = pinned(PINNED.server);
const chart = pinned(PINNED.chart);

const STREAM_CONTROLLER = 'internal/controller/stream_controller.go';
const CONSUMER_CONTROLLER = 'internal/controller/consumer_controller.go';

/** NACK v0.22.4, control-loop mode (`internal/controller/`). */
export const NACK = {
  streamDelete: nack(STREAM_CONTROLLER, 146, 'return js.DeleteStream(stream.Spec.Name)', 157),
  streamCreate: nack(STREAM_CONTROLLER, 228, 'js.NewStream(stream.Spec.Name, targetConfig...)'),
  streamUpdate: nack(STREAM_CONTROLLER, 239, 's.UpdateConfiguration(*serverState, targetConfig...)'),
  streamErrored: nack(STREAM_CONTROLLER, 274, 'stateErrored, err.Error()', 276),
  /** Options NACK adds on every create and update. */
  streamAlwaysSent: nack(STREAM_CONTROLLER, 327, 'jsm.MaxBytes(int64(spec.MaxBytes))', 336),
  streamRetention: nack(STREAM_CONTROLLER, 341, 'switch spec.Retention {', 348),
  streamStorage: nack(STREAM_CONTROLLER, 368, 'switch spec.Storage {', 373),
  stream: {
    maxMsgsPerSubject: nack(STREAM_CONTROLLER, 351, 'if spec.MaxMsgsPerSubject > 0 {'),
    maxAge: nack(STREAM_CONTROLLER, 359, 'if spec.MaxAge != "" {'),
    noAck: nack(STREAM_CONTROLLER, 384, 'if spec.NoAck {'),
    duplicateWindow: nack(STREAM_CONTROLLER, 389, 'if spec.DuplicateWindow != "" {'),
    placement: nack(STREAM_CONTROLLER, 398, 'if spec.Placement != nil {', 410),
    mirror: nack(STREAM_CONTROLLER, 415, 'if spec.Mirror != nil {'),
    sources: nack(STREAM_CONTROLLER, 424, 'if spec.Sources != nil {'),
    compression: nack(STREAM_CONTROLLER, 438, 'switch spec.Compression {', 443),
    subjectTransform: nack(STREAM_CONTROLLER, 446, 'if spec.SubjectTransform != nil {'),
    republish: nack(STREAM_CONTROLLER, 456, 'if spec.RePublish != nil {'),
    sealed: nack(STREAM_CONTROLLER, 466, 'if spec.Sealed {'),
    denyDelete: nack(STREAM_CONTROLLER, 474, 'if spec.DenyDelete {'),
    denyPurge: nack(STREAM_CONTROLLER, 479, 'if spec.DenyPurge {'),
    allowDirect: nack(STREAM_CONTROLLER, 484, 'if spec.AllowDirect {'),
    allowRollup: nack(STREAM_CONTROLLER, 489, 'if spec.AllowRollup {'),
    mirrorDirect: nack(STREAM_CONTROLLER, 494, 'if spec.MirrorDirect {'),
    discardPerSubject: nack(STREAM_CONTROLLER, 499, 'if spec.DiscardPerSubject {'),
    consumerLimits: nack(STREAM_CONTROLLER, 509, 'if spec.ConsumerLimits != nil {'),
    allowMsgTtl: nack(STREAM_CONTROLLER, 525, 'if spec.AllowMsgTTL {'),
    subjectDeleteMarkerTtl: nack(STREAM_CONTROLLER, 530, 'if spec.SubjectDeleteMarkerTTL != "" {'),
    allowMsgCounter: nack(STREAM_CONTROLLER, 539, 'if spec.AllowMsgCounter {'),
    allowAtomicPublish: nack(STREAM_CONTROLLER, 547, 'if spec.AllowAtomicPublish {'),
    allowMsgSchedules: nack(STREAM_CONTROLLER, 555, 'if spec.AllowMsgSchedules {'),
    persistMode: nack(STREAM_CONTROLLER, 563, 'if spec.PersistMode == "async" {', 572),
  },
  consumerDelete: nack(CONSUMER_CONTROLLER, 151, 'js.DeleteConsumer(consumer.Spec.StreamName', 161),
  consumerCreate: nack(CONSUMER_CONTROLLER, 240, 'js.NewConsumer(consumer.Spec.StreamName, targetConfig...)'),
  consumerUpdate: nack(CONSUMER_CONTROLLER, 251, 'err = c.UpdateConfiguration(targetConfig...)'),
  consumerErrored: nack(CONSUMER_CONTROLLER, 286, 'stateErrored, err.Error()', 288),
  /** Options NACK adds on every create and update (deliver subject, max waiting, replicas, ...). */
  consumerAlwaysSent: nack(CONSUMER_CONTROLLER, 339, 'jsm.MaxWaiting(uint(spec.MaxWaiting))', 351),
  consumerDeliverPolicy: nack(CONSUMER_CONTROLLER, 376, 'switch spec.DeliverPolicy {', 399),
  consumer: {
    ackWait: nack(CONSUMER_CONTROLLER, 367, 'if spec.AckWait != "" {'),
    filterSubjects: nack(CONSUMER_CONTROLLER, 406, 'if spec.FilterSubject != "" {', 410),
    flowControl: nack(CONSUMER_CONTROLLER, 413, 'if spec.FlowControl {'),
    heartbeatInterval: nack(CONSUMER_CONTROLLER, 418, 'if spec.HeartbeatInterval != "" {'),
    maxDeliver: nack(CONSUMER_CONTROLLER, 428, 'if spec.MaxDeliver != 0 {'),
    backoff: nack(CONSUMER_CONTROLLER, 433, 'if len(spec.BackOff) > 0 {'),
    sampleFreq: nack(CONSUMER_CONTROLLER, 457, 'if spec.SampleFreq != "" {'),
    headersOnly: nack(CONSUMER_CONTROLLER, 467, 'if spec.HeadersOnly {'),
    maxRequestExpires: nack(CONSUMER_CONTROLLER, 472, 'if spec.MaxRequestExpires != "" {'),
    inactiveThreshold: nack(CONSUMER_CONTROLLER, 481, 'if spec.InactiveThreshold != "" {'),
    memStorage: nack(CONSUMER_CONTROLLER, 490, 'if spec.MemStorage {'),
    pauseUntil: nack(CONSUMER_CONTROLLER, 494, 'if spec.PauseUntil != "" {'),
    priorityPolicy: nack(CONSUMER_CONTROLLER, 502, 'switch spec.PriorityPolicy {', 519),
  },
} as const;

/** jsm.go v0.3.0, the client NACK v0.22.4 builds its requests with (its go.mod). */
export const JSM = {
  /** `DefaultStream`, the template of every stream NACK creates: max age one year. */
  defaultStreamMaxAge: jsm('streams.go', 39, 'MaxAge:       24 * 365 * time.Hour,'),
  /** Stream update: NACK's options applied on top of the server's current config. */
  streamUpdateOverlay: jsm('streams.go', 616, 'ncfg, err := NewStreamConfiguration(cfg, opts...)', 617),
  /** Consumer update: NACK's options applied on top of the consumer's current config. */
  consumerUpdateOverlay: jsm('consumers.go', 683, 'ncfg, err := NewConsumerConfiguration(*c.cfg, opts...)', 688),
} as const;

const STREAM = 'server/stream.go';
const CONSUMER = 'server/consumer.go';

/** nats-server v2.14.2. */
export const SERVER = {
  stream: {
    storageImmutable: server(STREAM, 2271, 'if cfg.Storage != old.Storage {', 2274),
    retentionWorkqueue: server(STREAM, 2275, 'cfg.Retention == WorkQueuePolicy', 2280),
    sealed: server(STREAM, 2281, 'if !cfg.Sealed && old.Sealed {', 2284),
    denyDelete: server(STREAM, 2285, 'if !cfg.DenyDelete && old.DenyDelete {', 2288),
    denyPurge: server(STREAM, 2289, 'if !cfg.DenyPurge && old.DenyPurge {', 2292),
    mirror: server(STREAM, 2293, 'if cfg.Mirror != nil && !reflect.DeepEqual(cfg.Mirror, old.Mirror) {', 2297),
    discardNewPerSubject: server(STREAM, 2299, '"discard new per subject requires discard new policy to be set"', 2303),
    allowMsgTtl: server(STREAM, 2309, 'if old.AllowMsgTTL && !cfg.AllowMsgTTL {', 2312),
    allowMsgCounter: server(STREAM, 2314, 'if cfg.AllowMsgCounter != old.AllowMsgCounter {', 2317),
    allowMsgSchedules: server(STREAM, 2319, 'if old.AllowMsgSchedules && !cfg.AllowMsgSchedules {', 2322),
    persistMode: server(STREAM, 2324, 'if old.PersistMode != cfg.PersistMode {', 2326),
    /** Subjects dropped from a stream are unsubscribed at once. */
    subjectsRemoved: server(STREAM, 2469, '// Now check for subject interest differences.', 2493),
    /** Limits → interest is refused while a consumer has replicas set to another count. */
    interestConsumerReplicas: server(STREAM, 2661, '"consumer %q replica count must be %d"', 2670),
    /** Limits → interest: every consumer's acknowledged messages are removed at once. */
    interestSwitch: server(STREAM, 2695, 'c.checkStateForInterestStream(&ss)', 2716),
    /** A new config is handed to the store, which enforces lower limits at once. */
    storeUpdate: server(STREAM, 2741, 'mset.store.UpdateConfig(cfg)'),
    defaultDuplicateWindow: server(STREAM, 1619, 'const StreamDefaultDuplicatesWindow = 2 * time.Minute'),
  },
  /** fileStore.UpdateConfig: message, byte and per-subject limits enforced on update. */
  fileStoreLimits: server('server/filestore.go', 726, 'if err := fs.enforceMsgLimit(); err != nil {', 751),
  /** Subjects of a new stream must not overlap another stream's (error 10065). */
  subjectOverlap: server('server/jetstream_cluster.go', 8055, 'js.subjectsOverlap(acc.Name, cfg.Subjects, self)', 8060),
  consumer: {
    /** What a consumer update may not change; memory storage is not in the list. */
    updateCheck: server(CONSUMER, 2442, 'func (acc *Account) checkNewConsumerConfig(cfg, ncfg *ConsumerConfig)', 2499),
    deliverPolicy: server(CONSUMER, 2448, 'if cfg.DeliverPolicy != ncfg.DeliverPolicy {', 2450),
    optStartSeq: server(CONSUMER, 2451, 'if cfg.OptStartSeq != ncfg.OptStartSeq {', 2453),
    optStartTime: server(CONSUMER, 2454, 'if cfg.OptStartTime != nil && ncfg.OptStartTime != nil {', 2462),
    ackPolicy: server(CONSUMER, 2463, 'if cfg.AckPolicy != ncfg.AckPolicy {', 2465),
    replayPolicy: server(CONSUMER, 2466, 'if cfg.ReplayPolicy != ncfg.ReplayPolicy {', 2468),
    heartbeatInterval: server(CONSUMER, 2469, 'if cfg.Heartbeat != ncfg.Heartbeat {', 2471),
    flowControl: server(CONSUMER, 2472, 'if cfg.FlowControl != ncfg.FlowControl {', 2474),
    pushPull: server(CONSUMER, 2476, 'return errors.New("can not update pull consumer to push based")', 2483),
    maxWaiting: server(CONSUMER, 2489, 'if cfg.MaxWaiting != ncfg.MaxWaiting {', 2491),
    /** An accepted update is recorded as the consumer's config, storage or not. */
    recordConfig: server(CONSUMER, 2628, 'o.cfg = *cfg', 2630),
    /** A changed filter on an interest stream deletes messages no consumer wants any more. */
    filterInterestCleanup: server(CONSUMER, 2635, 'o.cleanupNoInterestMessages(o.mset, false)', 2641),
    /** Absent max deliver means unlimited (-1). */
    maxDeliverDefault: server(CONSUMER, 585, 'config.MaxDeliver = -1', 591),
    /** Absent max waiting on a pull consumer means 512. */
    maxWaitingDefault: server(CONSUMER, 642, 'config.MaxWaiting = JSWaitQueueDefaultMax', 645),
    /** A deleted consumer of an interest stream takes the messages only it needed. */
    deleteInterestCleanup: server(CONSUMER, 6668, 'o.cleanupNoInterestMessages(mset, true)', 6671),
    /** Messages at or below an ack floor are removed when the stream turns interest. */
    ackFloorRemoval: server(CONSUMER, 7052, 'didRemove := mset.ackMsg(o, seq)', 7060),
  },
  /** A consumer's storage type is chosen once, when its Raft group is created. */
  consumerStorageAtCreate: server('server/jetstream_cluster.go', 5939, 'if ca.Config.MemoryStorage {', 5945),
} as const;

/** The official nats chart 2.14.2 (nats-io/k8s). */
export const CHART = {
  fullname: chart('templates/_helpers.tpl', 13, 'define "nats.fullname"', 24),
  namespace: chart('templates/_helpers.tpl', 36, '{{- default .Release.Namespace .Values.namespaceOverride }}', 38),
  defaultNames: chart('templates/_helpers.tpl', 54, '(printf "%s-js" $name)', 68),
  selectorLabels: chart('templates/_helpers.tpl', 116, 'app.kubernetes.io/instance: {{ .Release.Name }}', 120),
  statefulSet: chart('files/stateful-set/stateful-set.yaml', 5, 'name: {{ .Values.statefulSet.name }}'),
  volumeClaimTemplates: chart('files/stateful-set/stateful-set.yaml', 23, 'volumeClaimTemplates:', 29),
  clusterReplicas: chart('files/stateful-set/stateful-set.yaml', 12, '{{ .Values.config.cluster.replicas }}', 16),
  storeDir: chart('files/config/jetstream.yaml', 13, 'store_dir: {{ .dir }}'),
} as const;

/** Kubernetes documentation (no line numbers: pages). */
export const KUBERNETES = {
  statefulSetStorage: 'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-storage',
  statefulSetPvcRetention:
    'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention',
  statefulSetLimitations: 'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#limitations',
  expandPvc: 'https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims',
  deleteStatefulSet: 'https://kubernetes.io/docs/tasks/run-application/delete-stateful-set/',
  argoCdReleaseName: 'https://argo-cd.readthedocs.io/en/stable/user-guide/helm/#helm-release-name',
  argoCdSyncOptions: 'https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#no-prune-resources',
} as const;
