#!/usr/bin/env bash
# Builds the local control plane (kube-apiserver, kube-controller-manager,
# kube-scheduler, etcd), kwok, the KEDA operator and metrics adapter and
# Prometheus from the Go module proxy into $OGS_K8S_HOME/bin.
# Each binary is skipped when it is present at the pinned version. `build.sh etcd kwok`
# builds only those parts.
# Builds run under `nice` because they take minutes of both cores.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

NICE=(nice -n "${OGS_K8S_NICE:-15}")
LDFLAGS='-s -w'
mkdir -p "$BIN_DIR" "$OGS_K8S_HOME/src"

# built NAME VERSION: true when bin/NAME exists and was built at VERSION.
built() {
  [[ -x "$BIN_DIR/$1" && "$(cat "$BIN_DIR/$1.version" 2>/dev/null)" == "$2" ]]
}

stamp() { echo "$2" > "$BIN_DIR/$1.version"; }

step() {
  local name="$1" version="$2"; shift 2
  if built "$name" "$version"; then echo "build: $name $version present"; return; fi
  local start=$SECONDS
  echo "build: $name $version ..."
  "$@"
  stamp "$name" "$version"
  echo "build: $name $version done in $((SECONDS - start)) s"
}

build_kube() {
  (cd "$K8S_LOCAL_DIR/tools/kube" && "${NICE[@]}" go build -ldflags="$LDFLAGS" -o "$BIN_DIR/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler)
  stamp kube-apiserver "$KUBE_VERSION"
  stamp kube-controller-manager "$KUBE_VERSION"
}

build_etcd() {
  (cd "$K8S_LOCAL_DIR/tools/etcd" && "${NICE[@]}" go build -ldflags="$LDFLAGS" -o "$BIN_DIR/etcd" .)
}

build_kwok() {
  GOBIN="$BIN_DIR" "${NICE[@]}" go install -ldflags="$LDFLAGS" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  # kwok's stage definitions (node init/heartbeat, pod ready/delete) ship in its module.
  local dir; dir="$(module_dir "sigs.k8s.io/kwok@$KWOK_VERSION")"
  rm -rf "$OGS_K8S_HOME/src/kwok-stage" && cp -r "$dir/kustomize/stage" "$OGS_K8S_HOME/src/kwok-stage"
  chmod -R u+w "$OGS_K8S_HOME/src/kwok-stage"
}

# KEDA's go.mod has a replace directive, so `go install` refuses it: build from a copy.
build_keda() {
  local dir src="$OGS_K8S_HOME/src/keda"
  dir="$(module_dir "github.com/kedacore/keda/v2@$KEDA_VERSION")"
  rm -rf "$src" && cp -r "$dir" "$src" && chmod -R u+w "$src"
  (cd "$src" && "${NICE[@]}" go build -ldflags="$LDFLAGS" -o "$BIN_DIR/keda-operator" ./cmd/operator \
    && "${NICE[@]}" go build -ldflags="$LDFLAGS" -o "$BIN_DIR/keda-adapter" ./cmd/adapter)
  stamp keda-operator "$KEDA_VERSION"
}

# Only file-based service discovery is used (up.sh): the remove_all_sd tag leaves out the
# cloud SDKs of every other discovery mechanism, most of Prometheus's build time.
build_prometheus() {
  GOBIN="$BIN_DIR" "${NICE[@]}" go install -tags remove_all_sd -ldflags="$LDFLAGS" \
    "github.com/prometheus/prometheus/cmd/prometheus@$PROMETHEUS_VERSION"
}

# Optional arguments name the parts to build (kube etcd kwok keda prometheus); default: all.
parts=("$@")
((${#parts[@]})) || parts=(kube etcd kwok keda prometheus)
total=$SECONDS
for part in "${parts[@]}"; do
  case "$part" in
    kube) step kube-scheduler "$KUBE_VERSION" build_kube ;;
    etcd) step etcd "$ETCD_VERSION" build_etcd ;;
    kwok) step kwok "$KWOK_VERSION" build_kwok ;;
    keda) step keda-adapter "$KEDA_VERSION" build_keda ;;
    prometheus) step prometheus "$PROMETHEUS_VERSION" build_prometheus ;;
    *) echo "build: unknown part $part" >&2; exit 2 ;;
  esac
done
(($#)) && exit 0  # a partial build: the full check is for a full one
for b in kube-apiserver kube-controller-manager kube-scheduler etcd kwok keda-operator keda-adapter prometheus; do
  [[ -x "$BIN_DIR/$b" ]] || { echo "build: $b missing after build" >&2; exit 1; }
done
echo "build: all binaries in $BIN_DIR ($((SECONDS - total)) s)"
