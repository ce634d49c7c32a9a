# Shared by the operator scripts (deploy, backup, restore): error exits and option checks.
# Sourced, not run. `die` is a failure (exit 1); `usage_error` is a wrong call (exit 2).

die() {
  echo "error: $*" >&2
  exit 1
}

usage_error() {
  echo "error: $*" >&2
  echo "Run '$(basename "$0") --help' for usage." >&2
  exit 2
}

need_value() {
  [[ $# -ge 2 && -n "$2" && "$2" != -* ]] || usage_error "option $1 needs a value"
}
