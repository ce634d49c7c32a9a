#!/usr/bin/env bash
# Brings up a local Kubernetes control plane on free loopback ports, from the binaries
# build.sh made: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok (one
# fake node; pods become Running/Ready without containers), Prometheus and KEDA (operator
# and metrics adapter, registered as the external-metrics API). No container runtime.
#
#   scripts/k8s-local/up.sh          # writes $RUN_DIR/kubeconfig and $RUN_DIR/env
#   scripts/k8s-local/down.sh        # stops every process it started, by PID
#
# $RUN_DIR/env holds the ports and paths (KUBECONFIG, PROMETHEUS_URL, PROMETHEUS_TARGETS).
# Prometheus scrapes the targets listed in $PROMETHEUS_TARGETS/*.json (file_sd) and copies
# the `__namespace` label to `namespace`, as a kubernetes_sd relabel would.
# HPA timings are shortened for tests: OGS_K8S_HPA_SYNC (default 2s).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

for b in etcd kube-apiserver kube-controller-manager kube-scheduler kwok prometheus keda-operator keda-adapter; do
  [[ -x "$BIN_DIR/$b" ]] || { echo "up: $BIN_DIR/$b missing: run scripts/k8s-local/build.sh" >&2; exit 1; }
done
if [[ -f "$RUN_DIR/pids" ]]; then
  echo "up: already running ($RUN_DIR/pids); run down.sh first" >&2
  exit 1
fi

rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR"/{logs,etcd,prometheus/data,prometheus/targets}
# On failure, stop whatever did start and keep the logs for a look.
trap 'rc=$?; if ((rc)); then OGS_K8S_KEEP_RUN=1 "$K8S_LOCAL_DIR/down.sh" >&2; fi' EXIT
CERTS="$OGS_K8S_HOME/certs"
"$K8S_LOCAL_DIR/certs.sh" "$CERTS"

# Ten distinct free loopback ports, held together while they are chosen.
read -r P_ETCD P_PEER P_API P_KCM P_SCHED P_PROM P_KEDA_GRPC P_KEDA_METRICS P_KEDA_PROBE P_ADAPTER < <(
  python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(10)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
)

TOKEN="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
echo "$TOKEN,ogs-admin,ogs-admin,system:masters" > "$RUN_DIR/tokens.csv"
KUBECONFIG_FILE="$RUN_DIR/kubeconfig"
cat > "$KUBECONFIG_FILE" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: ogs-local
  cluster: {server: "https://127.0.0.1:$P_API", certificate-authority: "$CERTS/ca.crt"}
users:
- name: ogs-admin
  user: {token: "$TOKEN"}
contexts:
- name: ogs-local
  context: {cluster: ogs-local, user: ogs-admin}
current-context: ogs-local
EOF
export KUBECONFIG="$KUBECONFIG_FILE"

# start NAME CMD...: runs it in the background, logs to logs/NAME.log, records its PID.
start() {
  local name="$1"; shift
  "$@" > "$RUN_DIR/logs/$name.log" 2>&1 &
  echo "$name $!" >> "$RUN_DIR/pids"
}

# wait_for WHAT SECONDS CMD...: polls CMD until it succeeds.
wait_for() {
  local what="$1" limit="$2"; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" > /dev/null 2>&1; do
    if ((SECONDS > deadline)); then
      echo "up: $what not ready after ${limit}s; logs in $RUN_DIR/logs" >&2
      tail -n 20 "$RUN_DIR"/logs/*.log >&2 || true
      exit 1
    fi
    sleep 0.5
  done
}

start etcd "$BIN_DIR/etcd" --name ogs-local --data-dir "$RUN_DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$P_ETCD" --advertise-client-urls "http://127.0.0.1:$P_ETCD" \
  --listen-peer-urls "http://127.0.0.1:$P_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$P_PEER" \
  --initial-cluster "ogs-local=http://127.0.0.1:$P_PEER" --log-level warn \
  --unsafe-no-fsync --quota-backend-bytes 1073741824
wait_for etcd 30 curl -sf "http://127.0.0.1:$P_ETCD/health"

start kube-apiserver "$BIN_DIR/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$P_ETCD" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$P_API" \
  --tls-cert-file "$CERTS/apiserver.crt" --tls-private-key-file "$CERTS/apiserver.key" \
  --client-ca-file "$CERTS/ca.crt" --token-auth-file "$RUN_DIR/tokens.csv" \
  --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$CERTS/sa.pub" --service-account-signing-key-file "$CERTS/sa.key" \
  --service-cluster-ip-range 10.96.0.0/16 --endpoint-reconciler-type none \
  --requestheader-client-ca-file "$CERTS/front-proxy-ca.crt" \
  --requestheader-allowed-names front-proxy-client \
  --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
  --requestheader-extra-headers-prefix X-Remote-Extra- \
  --proxy-client-cert-file "$CERTS/front-proxy-client.crt" --proxy-client-key-file "$CERTS/front-proxy-client.key" \
  --enable-aggregator-routing=false --allow-privileged=true --v 1
wait_for kube-apiserver 90 kubectl get --raw /readyz

start kube-controller-manager "$BIN_DIR/kube-controller-manager" \
  --kubeconfig "$KUBECONFIG_FILE" --authentication-kubeconfig "$KUBECONFIG_FILE" \
  --authorization-kubeconfig "$KUBECONFIG_FILE" \
  --bind-address 127.0.0.1 --secure-port "$P_KCM" --leader-elect=false \
  --service-account-private-key-file "$CERTS/sa.key" --root-ca-file "$CERTS/ca.crt" \
  --horizontal-pod-autoscaler-sync-period "${OGS_K8S_HPA_SYNC:-2s}" \
  --horizontal-pod-autoscaler-downscale-stabilization "${OGS_K8S_HPA_DOWNSCALE:-10s}" \
  --concurrent-horizontal-pod-autoscaler-syncs 2 --v 1
start kube-scheduler "$BIN_DIR/kube-scheduler" \
  --kubeconfig "$KUBECONFIG_FILE" --authentication-kubeconfig "$KUBECONFIG_FILE" \
  --authorization-kubeconfig "$KUBECONFIG_FILE" \
  --bind-address 127.0.0.1 --secure-port "$P_SCHED" --leader-elect=false --v 1

# kwok: its own stage definitions for a fake node (initialise, heartbeat with lease) and
# pods (ready, complete, delete); it manages only nodes annotated kwok.x-k8s.io/node=fake.
STAGES="$OGS_K8S_HOME/src/kwok-stage"
{
  for s in node/fast node/heartbeat-with-lease pod/fast; do
    kubectl kustomize "$STAGES/$s"
    echo '---'
  done
} > "$RUN_DIR/kwok.yaml"
start kwok "$BIN_DIR/kwok" --kubeconfig "$KUBECONFIG_FILE" --config "$RUN_DIR/kwok.yaml" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
  --node-lease-duration-seconds 40 --cidr 10.244.0.0/16 --node-ip 127.0.0.1
kubectl apply -f - > /dev/null <<'EOF'
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {kubernetes.io/hostname: kwok-node-0, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok}
status:
  allocatable: {cpu: "1000", memory: 4Ti, pods: "1000"}
  capacity: {cpu: "1000", memory: 4Ti, pods: "1000"}
EOF
wait_for "kwok node Ready" 60 kubectl wait --for=condition=Ready node/kwok-node-0 --timeout=2s

cat > "$RUN_DIR/prometheus/prometheus.yml" <<EOF
global: {scrape_interval: 1s, evaluation_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: ogs
    file_sd_configs:
      - files: ["$RUN_DIR/prometheus/targets/*.json"]
        refresh_interval: 1s
    relabel_configs:
      # What the usual kubernetes-pods job does with __meta_kubernetes_namespace / _pod_name.
      - {source_labels: [__namespace], target_label: namespace}
      - {source_labels: [__pod], target_label: pod}
EOF
start prometheus "$BIN_DIR/prometheus" --config.file "$RUN_DIR/prometheus/prometheus.yml" \
  --storage.tsdb.path "$RUN_DIR/prometheus/data" --web.listen-address "127.0.0.1:$P_PROM" \
  --storage.tsdb.retention.time 2h --log.level warn
wait_for prometheus 60 curl -sf "http://127.0.0.1:$P_PROM/-/ready"

# KEDA: CRDs from its module, its namespace, the operator and the metrics adapter, both
# outside the cluster on loopback. The aggregator reaches the adapter through an
# ExternalName Service (Endpoints may not point at loopback) with insecureSkipTLSVerify.
KEDA_SRC="$OGS_K8S_HOME/src/keda"
kubectl apply --server-side -f "$KEDA_SRC/config/crd/bases" > /dev/null
kubectl create namespace keda --dry-run=client -o yaml | kubectl apply -f - > /dev/null
export KEDA_CLUSTER_OBJECT_NAMESPACE=keda WATCH_NAMESPACE="" POD_NAMESPACE=keda POD_NAME=keda-operator-local
start keda-operator "$BIN_DIR/keda-operator" --kubeconfig "$KUBECONFIG_FILE" \
  --metrics-bind-address "127.0.0.1:$P_KEDA_METRICS" --health-probe-bind-address "127.0.0.1:$P_KEDA_PROBE" \
  --metrics-service-bind-address "127.0.0.1:$P_KEDA_GRPC" --cert-dir "$CERTS/keda" \
  --enable-cert-rotation=false --enable-webhook-patching=false --enable-apiservice-patching=false \
  --ca-dir "$CERTS/keda" --zap-log-level info
wait_for keda-operator 60 curl -sf "http://127.0.0.1:$P_KEDA_PROBE/readyz"
start keda-adapter "$BIN_DIR/keda-adapter" --lister-kubeconfig "$KUBECONFIG_FILE" \
  --authentication-kubeconfig "$KUBECONFIG_FILE" --authorization-kubeconfig "$KUBECONFIG_FILE" \
  --bind-address 127.0.0.1 --secure-port "$P_ADAPTER" --port 0 \
  --cert-dir "$CERTS/keda" --tls-cert-file "$CERTS/keda/tls.crt" --tls-private-key-file "$CERTS/keda/tls.key" \
  --metrics-service-address "127.0.0.1:$P_KEDA_GRPC" --metrics-service-grpc-authority keda-operator
kubectl apply -f - > /dev/null <<EOF
apiVersion: v1
kind: Service
metadata: {name: keda-metrics-apiserver, namespace: keda}
spec:
  type: ExternalName
  externalName: localhost
  ports: [{name: https, port: $P_ADAPTER, targetPort: $P_ADAPTER}]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.external.metrics.k8s.io}
spec:
  group: external.metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  insecureSkipTLSVerify: true
  service: {name: keda-metrics-apiserver, namespace: keda, port: $P_ADAPTER}
EOF
wait_for "external metrics API" 90 kubectl get --raw /apis/external.metrics.k8s.io/v1beta1

cat > "$RUN_DIR/env" <<EOF
KUBECONFIG=$KUBECONFIG_FILE
KUBE_APISERVER=https://127.0.0.1:$P_API
PROMETHEUS_URL=http://127.0.0.1:$P_PROM
PROMETHEUS_TARGETS=$RUN_DIR/prometheus/targets
EOF
echo "up: control plane ready: KUBECONFIG=$KUBECONFIG_FILE (details in $RUN_DIR/env)"
