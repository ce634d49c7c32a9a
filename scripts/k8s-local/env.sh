# Shared settings for scripts/k8s-local/*.sh (sourced, not run).
# Versions are pinned here and in tools/*/go.mod; build output and run state
# live in a git-ignored folder (default: <repo>/.k8s-local).
K8S_LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$K8S_LOCAL_DIR/../.." && pwd)"
OGS_K8S_HOME="${OGS_K8S_HOME:-$REPO_DIR/.k8s-local}"
BIN_DIR="$OGS_K8S_HOME/bin"
RUN_DIR="$OGS_K8S_HOME/run"

KUBE_VERSION=v1.34.2        # also tools/kube/go.mod
ETCD_VERSION=v3.6.16        # also tools/etcd/go.mod
KWOK_VERSION=v0.8.0
KEDA_VERSION=v2.21.0
PROMETHEUS_VERSION=v0.316.0 # the Go module version of Prometheus 3.x

export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

# Directory of a module in the module cache, downloading it if needed.
module_dir() {
  go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}
