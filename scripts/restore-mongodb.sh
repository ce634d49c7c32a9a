#!/usr/bin/env bash
# Restores a database archive made by scripts/backup-mongodb.sh into the MongoDB StatefulSet
# with mongorestore, through `kubectl exec -i`. Run with -h for usage.
set -euo pipefail

readonly STS=globeco-order-generation-service-mongodb
KUBECTL=${KUBECTL:-kubectl}

NAMESPACE=globeco
DATABASE=globeco_production
FROM_DATABASE=
POD=
INPUT=
DROP=false
YES=false
DRY_RUN=false

usage() {
  cat <<EOF
Usage: $(basename "$0") -i FILE [options]

Streams an archive into 'mongorestore --archive --gzip' on the replica set's primary.

Options:
  -i, --input FILE       archive written by backup-mongodb.sh (required)
  -n, --namespace NS     namespace (default: globeco)
  -d, --database DB      database to restore into (default: globeco_production)
      --from-database DB database name inside the archive, when restoring under another
                         name (default: same as --database)
  -p, --pod POD          MongoDB pod to run mongorestore in (default: $STS-0);
                         it writes to the primary whichever member it runs in
      --drop             drop each collection before restoring it (replace, not merge)
  -y, --yes              do not ask for confirmation
      --dry-run          print the command that would run, run nothing
  -h, --help             show this help

Stop the workers first (kubectl scale deployment/globeco-order-generation-worker
--replicas=0, and pause the worker HPA or ScaledObject) so no job writes while restoring.
EOF
}

# shellcheck source=lib/cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cli.sh"

parse_args() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -i | --input) need_value "$@"; INPUT=$2; shift 2 ;;
      -n | --namespace) need_value "$@"; NAMESPACE=$2; shift 2 ;;
      -d | --database) need_value "$@"; DATABASE=$2; shift 2 ;;
      --from-database) need_value "$@"; FROM_DATABASE=$2; shift 2 ;;
      -p | --pod) need_value "$@"; POD=$2; shift 2 ;;
      --drop) DROP=true; shift ;;
      -y | --yes) YES=true; shift ;;
      --dry-run) DRY_RUN=true; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage_error "unknown option: $1" ;;
    esac
  done
  [[ -n "$INPUT" ]] || usage_error "--input is required"
  FROM_DATABASE=${FROM_DATABASE:-$DATABASE}
  local db
  for db in "$DATABASE" "$FROM_DATABASE"; do
    [[ "$db" =~ ^[A-Za-z0-9_-]{1,63}$ ]] || usage_error "invalid database name '$db'"
  done
  POD=${POD:-$STS-0}
}

# Runs inside the pod: find the primary (hello needs no authentication), then restore there
# with the root credentials from the pod's own environment.
readonly RESTORE_SCRIPT='primary=$(mongosh --quiet --norc --eval "db.hello().primary") && test -n "$primary" && exec mongorestore --quiet --host "$primary" --username "$MONGO_INITDB_ROOT_USERNAME" --password "$MONGO_INITDB_ROOT_PASSWORD" --authenticationDatabase admin --archive --gzip --nsInclude "$1.*" --nsFrom "$1.*" --nsTo "$2.*" $3'

confirm() {
  [[ "$YES" == true ]] && return 0
  [[ -t 0 ]] || die "refusing to restore without confirmation; pass --yes"
  local answer
  read -r -p "Restore $INPUT into $NAMESPACE/$DATABASE$([[ "$DROP" == true ]] && echo ' (dropping existing collections)')? [y/N] " answer
  [[ "$answer" == y || "$answer" == Y ]] || die "aborted"
}

main() {
  parse_args "$@"
  local drop_flag=""
  [[ "$DROP" == true ]] && drop_flag="--drop"
  local -a cmd=("$KUBECTL" exec -i -n "$NAMESPACE" "$POD" -c mongodb -- sh -c "$RESTORE_SCRIPT" mongorestore "$FROM_DATABASE" "$DATABASE" "$drop_flag")
  if [[ "$DRY_RUN" == true ]]; then
    printf "Would run:\n "
    printf ' %q' "${cmd[@]}"
    printf ' < %q\n' "$INPUT"
    echo "Namespace: $NAMESPACE  Pod: $POD  Database: $FROM_DATABASE -> $DATABASE  Drop: $DROP"
    return 0
  fi
  [[ -s "$INPUT" ]] || die "no such archive or empty: $INPUT"
  command -v "$KUBECTL" >/dev/null 2>&1 || die "kubectl not found (looked for '$KUBECTL')"
  confirm
  "${cmd[@]}" <"$INPUT" || die "mongorestore failed in $NAMESPACE/$POD"
  echo "Restored $INPUT into $NAMESPACE/$DATABASE"
}

main "$@"
