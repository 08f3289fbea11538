#!/usr/bin/env bash
# Pulls the pinned NATS chart into charts/vendor/nats (git-ignored; the chart is upstream's, not
# ours to commit). With it present, `npm run synth` also renders the chart with our values into
# dist/<env>/rendered/ (charts/nats-rendered-chart.ts). Needs network access to the Helm repo.
#
#   scripts/pull-chart.sh [version]     # default: the version the config pins (lib/constructs/nats/nats-helm-values.ts)
set -euo pipefail
cd "$(dirname "$0")/.."

REPO_URL="https://nats-io.github.io/k8s/helm/charts/"
VERSION="${1:-$(sed -n "s/^export const DEFAULT_NATS_CHART_VERSION = '\(.*\)';$/\1/p" lib/constructs/nats/nats-helm-values.ts)}"
if [[ -z "$VERSION" ]]; then
  echo "pull-chart: could not read DEFAULT_NATS_CHART_VERSION from lib/constructs/nats/nats-helm-values.ts; pass the version" >&2
  exit 2
fi

node scripts/install-helm.js
HELM=.tools/helm/helm

staging="$(mktemp -d charts/.vendor-XXXXXX)"
trap 'rm -rf "$staging"' EXIT
"$HELM" pull nats --repo "$REPO_URL" --version "$VERSION" --untar -d "$staging"
mkdir -p charts/vendor
rm -rf charts/vendor/nats
mv "$staging/nats" charts/vendor/nats
echo "pull-chart: nats $VERSION in charts/vendor/nats; run \`npm run synth\` to render it into dist/<env>/rendered/" >&2
