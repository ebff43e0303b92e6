#!/usr/bin/env bash
# Installs the Debian packages that `make run`, `make test` and `make bench` call, and nothing
# else. `make` runs it before each of those targets, so `.ci/run` (which runs `make test`) and a
# developer's machine use this one list. Run as root it installs what is missing with apt-get;
# run as another user it names the missing packages in one line and stops.
#
#   scripts/system-packages.sh run     msgfmt (compiles the translation catalogues)
#   scripts/system-packages.sh test    + Chromium, a font and libatomic1 (Playwright's Node.js)
#                                      for the browser tests, poppler's pdftotext/pdftoppm for the
#                                      PDF tests, nginx to check deploy/nginx with nginx -t and to run
#                                      deploy/compose/nginx.conf, openssl for its certificate,
#                                      redis-server (tests start their own on a free port), a Java
#                                      runtime for the Nu HTML checker (vnu.jar, from PyPI)
#   scripts/system-packages.sh bench   + wrk for the load test
set -euo pipefail

purpose=${1:-test}

# One line per need: "<Debian package> <probe>", the probe being a path that shows the package is
# installed, a program on PATH, or dpkg:<package> for a library (Playwright's bundled Node.js needs
# libatomic1, which a minimal Debian lacks).
needs=("gettext msgfmt")
case $purpose in
  run) ;;
  test|bench)
    needs+=(
      "chromium /usr/bin/chromium"
      "libatomic1 dpkg:libatomic1"
      "fonts-dejavu-core /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
      "poppler-utils pdftotext"
      "poppler-utils pdftoppm"
      "nginx /usr/sbin/nginx"
      "redis-server /usr/bin/redis-server"
      "openssl openssl"
      "default-jre-headless java"
    )
    [ "$purpose" = bench ] && needs+=("wrk wrk")
    ;;
  *)
    echo "usage: $0 run|test|bench" >&2
    exit 2
    ;;
esac

missing=()
for need in "${needs[@]}"; do
  package=${need%% *}
  probe=${need#* }
  if [[ $probe == dpkg:* ]]; then
    dpkg-query -W -f='${Status}' "${probe#dpkg:}" 2>/dev/null | grep -q "ok installed" && continue
  elif [[ $probe == /* ]]; then
    [ -e "$probe" ] && continue
  else
    command -v "$probe" >/dev/null 2>&1 && continue
  fi
  [[ " ${missing[*]-} " == *" $package "* ]] || missing+=("$package")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages for 'make $purpose': run 'sudo apt-get install -y ${missing[*]}' and try again." >&2
  exit 1
fi

echo "Installing system packages for 'make $purpose': ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
