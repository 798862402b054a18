#!/usr/bin/env bash
# Installs the Debian packages edgeway's tests and lab need. Idempotent; needs root (CI runs as root).
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  echo "install-system-deps: must run as root (apt-get, network namespaces)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Debian starts daemons on install; the tests start their own, inside their own namespaces.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
fi
apt-get update -q
# iproute2: namespaces and witnesses; iptables: masquerade rules; containernetworking-plugins: the reference
# bridge + host-local CNI plugins that subnet.env drives.
# bird2, frr, gobgpd, exabgp: the real BGP peers of @edgeway/bgp's interop tests and benchmarks (started by the
# tests themselves, unprivileged, inside the tests' namespaces); golang-github-osrg-gobgp-dev ships GoBGP's gRPC
# protos, through which the benchmark loads routes into gobgpd.
apt-get install -y -q --no-install-recommends iproute2 iputils-ping iptables containernetworking-plugins \
  bird2 frr gobgpd exabgp golang-github-osrg-gobgp-dev
