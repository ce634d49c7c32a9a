#!/usr/bin/env bash
# Backs up the service database from the MongoDB StatefulSet with mongodump, through
# `kubectl exec`, into a local gzipped archive. Run with -h for usage.
#
# The seed guide dumps to /backup inside the pod and copies it out with `kubectl cp`; our
# MongoDB containers have a read-only root filesystem, so the dump is streamed instead
# (--archive to stdout), which also needs no space in the pod.
set -euo pipefail

readonly STS=globeco-order-generation-service-mongodb
KUBECTL=${KUBECTL:-kubectl}

NAMESPACE=globeco
DATABASE=globeco_production
POD=
OUTPUT=
DRY_RUN=false

usage() {
  cat <<EOF
Usage: $(basename "$0") [options]

Streams 'mongodump --archive --gzip' of one database out of a MongoDB pod to a local file.

Options:
  -n, --namespace NS   namespace (default: globeco)
  -d, --database DB    database to dump (default: globeco_production)
  -p, --pod POD        MongoDB pod (default: $STS-0; any member works, the
                       dump reads with primaryPreferred)
  -o, --output FILE    archive to write (default: ./backups/<db>-<UTC time>.archive.gz)
      --dry-run        print the command that would run, run nothing
  -h, --help           show this help

Restore with scripts/restore-mongodb.sh -i FILE.
EOF
}

# shellcheck source=lib/cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cli.sh"

parse_args() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -n | --namespace) need_value "$@"; NAMESPACE=$2; shift 2 ;;
      -d | --database) need_value "$@"; DATABASE=$2; shift 2 ;;
      -p | --pod) need_value "$@"; POD=$2; shift 2 ;;
      -o | --output) need_value "$@"; OUTPUT=$2; shift 2 ;;
      --dry-run) DRY_RUN=true; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage_error "unknown option: $1" ;;
    esac
  done
  [[ "$DATABASE" =~ ^[A-Za-z0-9_-]{1,63}$ ]] || usage_error "invalid database name '$DATABASE'"
  POD=${POD:-$STS-0}
  OUTPUT=${OUTPUT:-./backups/$DATABASE-$(date -u +%Y%m%dT%H%M%SZ).archive.gz}
}

# Credentials never leave the pod: the root user's variables are expanded inside it.
readonly DUMP_SCRIPT='exec mongodump --quiet --username "$MONGO_INITDB_ROOT_USERNAME" --password "$MONGO_INITDB_ROOT_PASSWORD" --authenticationDatabase admin --readPreference primaryPreferred --db "$1" --archive --gzip'

main() {
  parse_args "$@"
  local -a cmd=("$KUBECTL" exec -n "$NAMESPACE" "$POD" -c mongodb -- sh -c "$DUMP_SCRIPT" mongodump "$DATABASE")
  if [[ "$DRY_RUN" == true ]]; then
    printf "Would run:\n "
    printf ' %q' "${cmd[@]}"
    printf ' > %q\n' "$OUTPUT"
    echo "Namespace: $NAMESPACE  Pod: $POD  Database: $DATABASE  Output: $OUTPUT"
    return 0
  fi
  command -v "$KUBECTL" >/dev/null 2>&1 || die "kubectl not found (looked for '$KUBECTL')"
  mkdir -p "$(dirname "$OUTPUT")"
  # Written beside the target and renamed at the end, so a failed dump never looks complete.
  local partial="$OUTPUT.partial"
  if ! "${cmd[@]}" >"$partial"; then
    rm -f "$partial"
    die "mongodump failed in $NAMESPACE/$POD"
  fi
  [[ -s "$partial" ]] || { rm -f "$partial"; die "mongodump produced an empty archive"; }
  mv "$partial" "$OUTPUT"
  echo "Backed up $DATABASE from $NAMESPACE/$POD to $OUTPUT ($(wc -c <"$OUTPUT" | tr -d ' ') bytes)"
}

main "$@"
