#!/bin/busybox sh
# Prints the machine architecture the container runs on (x86_64, aarch64)
# and fails if it differs from the architecture recorded at build time.
arch=$(/bin/busybox uname -m)
echo "$arch"
built=$(/bin/busybox cat /build-arch 2>/dev/null)
if [ "$built" != "$arch" ]; then
	echo "sample-app: built for '$built' but running on '$arch'" >&2
	exit 1
fi
