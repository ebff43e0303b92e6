#!/usr/bin/env bash
# Installs the Debian packages that `make run`, `make test` and `make bench` call, and nothing
# else. `make` runs it before each of those targets, so `.ci/run` (which runs `make test`) and a
# developer's machine use this one list. Run as root it installs what is missing with apt-get;
# run as another user it names the missing packages in one line and stops.
#
#   scripts/system-packages.sh run     msgfmt (compiles the translation catalogues)
#   scripts/system-packages.sh test    + Chromium and a font for the browser tests, poppler's
#                                      pdftotext/pdftoppm for the PDF tests, pg_dump/pg_restore
#                                      for the backup round trip, nginx to check deploy/nginx
#   scripts/system-packages.sh bench   + wrk for the load test
set -euo pipefail

purpose=${1:-test}

# One line per need: "<Debian package> <path or program that shows it is installed>".
needs=("gettext msgfmt")
case $purpose in
  run) ;;
  test|bench)
    needs+=(
      "chromium /usr/bin/chromium"
      "fonts-dejavu-core /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
      "poppler-utils pdftotext"
      "poppler-utils pdftoppm"
      "nginx /usr/sbin/nginx"
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
  if [[ $probe == /* ]]; then
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
