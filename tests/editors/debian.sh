# Sourced by the editor tests: installs the Debian packages a fresh machine lacks.
#
#   debian_install LABEL PACKAGE...
#
# Packages already installed are left alone. Another apt run (a parallel test, the machine's
# own updates) is waited for, up to ten minutes, instead of failing on its lock.
debian_install() {
  local label=$1
  shift
  local missing=() p
  for p in "$@"; do
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
      missing+=("$p")
    fi
  done
  ((${#missing[@]})) || return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  local started=$SECONDS
  echo "$label: installing ${missing[*]} from Debian"
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    -o DPkg::Lock::Timeout=600 ${DEBIAN_NO_RECOMMENDS:+--no-install-recommends} "${missing[@]}" >/dev/null
  echo "$label: apt-get install took $((SECONDS - started)) s"
}
