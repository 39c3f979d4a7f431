# Shared by scripts/run, scripts/test and scripts/bench. Source it; do not run it.

# The Debian packages the project builds, tests and plots with; QEMU boots other kernels
# (aslr-harness --kernel), cpio lets a test list the initramfs independently.
ASLR_PACKAGES=(build-essential cmake pkg-config libcmocka-dev libjansson-dev gnuplot-nox gcc-multilib
  file man-db mandoc qemu-system-x86 cpio perl libxml2-utils) # file: cpack -G DEB; man-db, mandoc: the man page
  # tests; perl (TAP::Parser, in perl-modules), libxml2-utils (xmllint): the KTAP and JUnit tests
# Installed without their recommendations: QEMU's would add ~140 packages (a GUI, firmware).
ASLR_LEAN_PACKAGES=(qemu-system-x86)

# Install whichever of the given packages are missing (apt-get update first).
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}" >&2
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root to install: ${missing[*]}" >&2; return 1; }
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  local lean=() full=()
  for pkg in "${missing[@]}"; do
    if [[ " ${ASLR_LEAN_PACKAGES[*]} " == *" $pkg "* ]]; then lean+=("$pkg"); else full+=("$pkg"); fi
  done
  [ ${#full[@]} -eq 0 ] ||
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${full[@]}" >/dev/null
  [ ${#lean[@]} -eq 0 ] ||
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${lean[@]}" >/dev/null
}

# cmake configure + build into folder $1 with extra cmake arguments.
build_into() {
  local dir=$1; shift
  cmake -S "$ASLR_ROOT" -B "$ASLR_ROOT/$dir" "$@" | (grep -v '^-- ' || true)
  cmake --build "$ASLR_ROOT/$dir" -j "$(nproc)" -- --no-print-directory | (grep -v '^\[' || true)
}

ASLR_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
