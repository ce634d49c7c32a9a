#!/usr/bin/env bash
# Deploys the GlobeCo Order Generation Service to Kubernetes with kustomize (k8s/overlays/*).
# Run with -h for usage. --dry-run renders and summarises without touching a cluster.
set -euo pipefail

readonly APP=globeco-order-generation-service
readonly WORKER=globeco-order-generation-worker
readonly MONGODB=globeco-order-generation-service-mongodb
readonly REDIS=globeco-order-generation-service-redis
readonly IMAGE=kasbench/globeco-order-generation-service
readonly SECRETS=("$APP-secrets" "$MONGODB" "$REDIS")

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
K8S_DIR="$ROOT/k8s"
KUBECTL=${KUBECTL:-kubectl}

TAG=latest
ENVIRONMENT=production
NAMESPACE=
AUTOSCALER=adapter
DRY_RUN=false
TIMEOUT=600s
WRAPPER_DIR=
RENDERED=

usage() {
  cat <<EOF
Usage: $(basename "$0") [options]

Renders k8s/overlays/<env> with the image tag and namespace given, applies it and waits
for the rollout.

Options:
  -t, --tag TAG           image tag for $IMAGE (default: latest)
  -e, --env ENV           staging | production (default: production)
  -n, --namespace NS      target namespace (default: the overlay's, globeco for production,
                          globeco-staging for staging)
  -a, --autoscaler KIND   adapter | keda: worker autoscaling through prometheus-adapter (an
                          HPA on an external metric) or a KEDA ScaledObject (default: adapter)
      --timeout DURATION  rollout wait per workload (default: 600s)
      --dry-run           render and print the manifests (stdout) and a summary (stderr);
                          needs no cluster
  -h, --help              show this help

Secrets are not in the manifests: create them once per namespace from
k8s/secrets/secrets.template.yaml (see docs/DEPLOYMENT.md).

Examples:
  $(basename "$0")                          # production, latest
  $(basename "$0") -t v1.2.3 -e staging
  $(basename "$0") -n test-globeco -t latest
  $(basename "$0") --dry-run -e staging > staging.yaml
EOF
}

# shellcheck source=lib/cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cli.sh"

parse_args() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -t | --tag) need_value "$@"; TAG=$2; shift 2 ;;
      -e | --env) need_value "$@"; ENVIRONMENT=$2; shift 2 ;;
      -n | --namespace) need_value "$@"; NAMESPACE=$2; shift 2 ;;
      -a | --autoscaler) need_value "$@"; AUTOSCALER=$2; shift 2 ;;
      --timeout) need_value "$@"; TIMEOUT=$2; shift 2 ;;
      --dry-run) DRY_RUN=true; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage_error "unknown option: $1" ;;
    esac
  done
  case "$ENVIRONMENT" in
    staging | production) ;;
    *) usage_error "--env must be staging or production, not '$ENVIRONMENT'" ;;
  esac
  case "$AUTOSCALER" in
    adapter | keda) ;;
    *) usage_error "--autoscaler must be adapter or keda, not '$AUTOSCALER'" ;;
  esac
  [[ "$TAG" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || usage_error "invalid image tag '$TAG'"
  # Always set explicitly: objects added by the KEDA component carry no namespace of their own.
  if [[ -z "$NAMESPACE" ]]; then
    case "$ENVIRONMENT" in
      staging) NAMESPACE=globeco-staging ;;
      production) NAMESPACE=globeco ;;
    esac
  fi
  if [[ ! "$NAMESPACE" =~ ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$ ]]; then
    usage_error "invalid namespace '$NAMESPACE'"
  fi
}

# Writes a throwaway kustomization next to the overlays (kustomize only accepts relative
# paths) that layers the tag, the namespace and the autoscaler choice over the overlay,
# and renders it to $1.
render() {
  local out=$1 dir
  dir=$(mktemp -d "$K8S_DIR/.deploy.XXXXXX")
  WRAPPER_DIR=$dir
  {
    echo "apiVersion: kustomize.config.k8s.io/v1beta1"
    echo "kind: Kustomization"
    echo "namespace: $NAMESPACE"
    echo "resources:"
    echo "  - ../overlays/$ENVIRONMENT"
    if [[ "$AUTOSCALER" == keda ]]; then
      echo "components:"
      echo "  - ../components/keda"
      # Same replacement as overlays/production-keda: the query follows the final namespace.
      cat <<'EOF'
replacements:
  - source:
      kind: Deployment
      name: globeco-order-generation-worker
      fieldPath: metadata.namespace
    targets:
      - select:
          kind: ScaledObject
          name: globeco-order-generation-worker
        fieldPaths:
          - spec.triggers.0.metadata.query
        options:
          delimiter: '"'
          index: 1
EOF
    fi
    echo "images:"
    echo "  - name: $IMAGE"
    echo "    newTag: \"$TAG\""
  } >"$dir/kustomization.yaml"
  "$KUBECTL" kustomize "$dir" >"$out" || die "kustomize failed for overlays/$ENVIRONMENT"
  rm -rf "$dir"
  WRAPPER_DIR=
}

# Prints "Kind/name namespace" for each object. kustomize emits top-level keys in order
# and metadata.name / metadata.namespace at two spaces, which is all this relies on.
objects() {
  awk '
    function flush() { if (kind != "") printf "%s/%s %s\n", kind, name, ns; kind = name = ns = ""; inmeta = 0 }
    /^---/ { flush(); next }
    /^kind: / { kind = $2 }
    /^metadata:/ { inmeta = 1; next }
    /^[^ ]/ { inmeta = 0 }
    inmeta && /^  name: / && name == "" { name = $2 }
    inmeta && /^  namespace: / && ns == "" { ns = $2 }
    END { flush() }
  ' "$1"
}

summary() {
  local file=$1 ns
  ns=$(objects "$file" | awk '$1 ~ /^Deployment\// { print $2; exit }')
  echo "Environment:  $ENVIRONMENT"
  echo "Namespace:    $ns"
  echo "Image:        $IMAGE:$TAG"
  echo "Autoscaler:   $AUTOSCALER"
  echo "Objects ($(objects "$file" | wc -l | tr -d ' ')):"
  objects "$file" | awk '{ print "  " $1 }'
}

rollback_hint() {
  local ns=$1
  cat >&2 <<EOF

Rollout did not complete. Inspect with:
  kubectl get pods -n $ns -l app.kubernetes.io/part-of=$APP
  kubectl describe deployment/$APP -n $ns
Roll back the application with:
  kubectl rollout undo deployment/$APP -n $ns
  kubectl rollout undo deployment/$WORKER -n $ns
EOF
}

# The worker autoscaler needs an external-metrics provider: KEDA's CRD for -a keda (fatal when
# missing, the ScaledObject could not be created), any provider for the HPA (a warning: the
# HPA is created and starts scaling once prometheus-adapter is installed).
check_autoscaler() {
  if [[ "$AUTOSCALER" == keda ]]; then
    "$KUBECTL" get crd scaledobjects.keda.sh >/dev/null 2>&1 || die "KEDA is not installed (no CRD scaledobjects.keda.sh); install KEDA or use -a adapter"
  elif ! "$KUBECTL" get apiservice v1beta1.external.metrics.k8s.io >/dev/null 2>&1; then
    echo "warning: no external metrics API (v1beta1.external.metrics.k8s.io); the worker HPA will not scale until prometheus-adapter is installed (k8s/monitoring/prometheus-adapter-values.yaml)" >&2
  fi
}

apply() {
  local file=$1 ns secret missing=()
  ns=$(objects "$file" | awk '$1 ~ /^Deployment\// { print $2; exit }')
  "$KUBECTL" version --request-timeout=10s >/dev/null 2>&1 || die "cannot reach the cluster (kubectl version failed); check your kubeconfig context"
  if ! "$KUBECTL" get namespace "$ns" >/dev/null 2>&1; then
    echo "Creating namespace $ns"
    "$KUBECTL" create namespace "$ns"
    # Only a namespace created here is labelled: a shared, existing one belongs to its owners.
    # Every pod of this service meets the `restricted` Pod Security Standard.
    "$KUBECTL" label namespace "$ns" pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/warn=restricted
  fi
  for secret in "${SECRETS[@]}"; do
    "$KUBECTL" get secret "$secret" -n "$ns" >/dev/null 2>&1 || missing+=("$secret")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    die "missing Secret(s) in $ns: ${missing[*]}. Create them from k8s/secrets/secrets.template.yaml first."
  fi
  check_autoscaler
  # A Job's pod template is immutable; the init Job is idempotent, so run it afresh each deploy.
  "$KUBECTL" delete job "$MONGODB-init" -n "$ns" --ignore-not-found >/dev/null
  "$KUBECTL" apply -f "$file"
  echo "Waiting for rollout (timeout $TIMEOUT per workload)"
  "$KUBECTL" rollout status "statefulset/$MONGODB" -n "$ns" --timeout="$TIMEOUT" &&
    "$KUBECTL" rollout status "statefulset/$REDIS" -n "$ns" --timeout="$TIMEOUT" &&
    "$KUBECTL" wait --for=condition=complete "job/$MONGODB-init" -n "$ns" --timeout="$TIMEOUT" &&
    "$KUBECTL" rollout status "deployment/$APP" -n "$ns" --timeout="$TIMEOUT" &&
    "$KUBECTL" rollout status "deployment/$WORKER" -n "$ns" --timeout="$TIMEOUT" || {
    rollback_hint "$ns"
    exit 1
  }
  echo "Deployed $IMAGE:$TAG to $ns ($ENVIRONMENT)."
  echo "Check: kubectl port-forward -n $ns svc/$APP 8080:8080 && curl -f http://localhost:8080/health/health"
}

cleanup() {
  [[ -n "$WRAPPER_DIR" ]] && rm -rf "$WRAPPER_DIR"
  [[ -n "$RENDERED" ]] && rm -f "$RENDERED"
  return 0
}

main() {
  parse_args "$@"
  command -v "$KUBECTL" >/dev/null 2>&1 || die "kubectl not found (looked for '$KUBECTL'); install kubectl v1.25+ (it includes kustomize)"
  trap cleanup EXIT
  RENDERED=$(mktemp "${TMPDIR:-/tmp}/ogs-deploy.XXXXXX")
  render "$RENDERED"
  if [[ "$DRY_RUN" == true ]]; then
    cat "$RENDERED"
    summary "$RENDERED" >&2
    echo "Dry run: nothing applied." >&2
    return 0
  fi
  summary "$RENDERED"
  apply "$RENDERED"
}

main "$@"
