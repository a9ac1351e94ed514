#!/usr/bin/env bash
# The Debian packages the tests start or call: installed when missing and this user may (root or passwordless
# sudo on Debian/Ubuntu), else the command that installs them and a failure. Run before `npm test` (its pretest)
# and by .ci/run, so `npm test` works on a fresh machine and the test runner itself never installs anything.
set -euo pipefail

packages=(docker-registry tinyproxy openssl zip unzip zstd skopeo prometheus prometheus-pushgateway)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

command="sudo apt-get install -y --no-install-recommends ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo="none"; fi
fi
if [ "$sudo" = "none" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "the tests need ${missing[*]}; install with: $command" >&2
  exit 1
fi
echo "installing the Debian packages the tests need: ${missing[*]}"
# --no-install-recommends keeps the packages' default services from being pulled in.
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Their own services would listen with the default configs; the tests start their own. In a container without
# systemd they never started.
for service in docker-registry tinyproxy prometheus prometheus-pushgateway; do
  $sudo systemctl disable --now "$service" >/dev/null 2>&1 || true
done
