#!/usr/bin/env bash
# Writes the local control plane's keys and certificates into $1 (openssl only):
#   ca.{key,crt}            cluster CA; signs the API server's and KEDA's serving certificates
#   apiserver.{key,crt}     kube-apiserver serving certificate (127.0.0.1, localhost, kubernetes.default.svc)
#   sa.{key,pub}            service-account token signing key pair
#   front-proxy-ca.{key,crt}, front-proxy-client.{key,crt}
#                           the aggregator's client identity towards aggregated APIs (KEDA's adapter)
#   keda/{ca.crt,tls.crt,tls.key}
#                           KEDA's cert folder: the operator's gRPC metrics service and the adapter
# Existing files are kept, so a restart reuses them.
set -euo pipefail
dir="$1"
mkdir -p "$dir/keda"
cd "$dir"
[[ -f ca.crt ]] && exit 0

ca() { # name CN
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout "$1.key" -out "$1.crt" -subj "/CN=$2" 2>/dev/null
}

leaf() { # name CN ca subjectAltName extendedKeyUsage
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=%s\nbasicConstraints=CA:FALSE\n' "$4" "$5" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -days 3650 \
    -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

ca ca ogs-local-ca
leaf apiserver kube-apiserver ca \
  'IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local' \
  serverAuth
openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
ca front-proxy-ca ogs-local-front-proxy-ca
leaf front-proxy-client front-proxy-client front-proxy-ca 'DNS:front-proxy-client' clientAuth
# KEDA's adapter dials the operator's gRPC service by the authority given with
# --metrics-service-grpc-authority; the certificate names it and loopback.
leaf keda/tls keda-operator ca \
  'IP:127.0.0.1,DNS:localhost,DNS:keda-operator,DNS:keda-operator.keda.svc,DNS:keda-operator.keda.svc.cluster.local' \
  'serverAuth,clientAuth'
cp ca.crt keda/ca.crt
