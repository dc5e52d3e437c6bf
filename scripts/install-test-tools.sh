#!/bin/sh
# Install the system tools pare's tests use, from Debian packages:
#   runc + umoci   run built images (crun does not work on every cgroup layout)
#   skopeo         inspect and copy images (oci:, docker-archive:, docker://)
#   podman         load docker-archives (where it can run)
#   gpg            sign fixture repositories with throw-away keys
#   dpkg-dev, xz-utils, zstd   build and compress fixture .deb files
#   gcc, libc6-dev, g++        compile static test programs
#   libssl-dev, zlib1g-dev     headers for the program the ELF-closure test links against libssl, libcrypto, libz
#   docker-registry            the reference OCI registry for push tests
#   openjdk-17-jdk-headless    javac and jar, for the class and the JAR the java images run
#   maven                      where central is (settings.xml, super POM), for the e2e JAR fetched by coordinates
#   strace, curl               `pare trace`'s tracer, and the probe its server test runs
#   licensecheck               Debian's license detector, the judge of pare's copyright-file detection
#   chromium                   Debian's Chromium, headless, opens `pare report` pages (driven by playwright-core)
#   golang-go (when no go is installed)   a Go program whose modules the SBOM must list
#   apko (Go, built from the Go module proxy)  the APK cross-check (test/pipeline/apko-compare)
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PKGS="runc umoci skopeo podman gpg dpkg-dev xz-utils zstd gcc g++ libc6-dev libssl-dev zlib1g-dev docker-registry ca-certificates openjdk-17-jdk-headless maven licensecheck strace curl chromium"
command -v go >/dev/null 2>&1 || PKGS="$PKGS golang-go"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
command -v go >/dev/null || { echo "go is required to install apko, cosign, syft and crane" >&2; exit 1; }
# The pinned tools need newer Go than some distributions ship; Go 1.21+ fetches the
# toolchain a module asks for from the Go module proxy by itself (GOTOOLCHAIN=auto).
go_minor=$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
if [ -z "$go_minor" ] || [ "$go_minor" -lt 21 ]; then
  echo "$(go env GOVERSION) is too old to build apko, cosign, syft and crane: install Go 1.21 or later" >&2
  exit 1
fi
# apko, pinned. `go install chainguard.dev/apko@VERSION` stops at the proxy's version list (which it
# refuses for this module), so build it from a throw-away module that requires the exact version.
APKO_VERSION=v0.30.0
GOBIN_DIR="$(go env GOPATH)/bin"
if [ ! -x "$GOBIN_DIR/apko" ]; then
  tmp="$(mktemp -d)"
  printf 'module local/apkobuild\n\ngo 1.26\n\nrequire chainguard.dev/apko %s\n' "$APKO_VERSION" > "$tmp/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "chainguard.dev/apko"\n' > "$tmp/tools.go"
  (cd "$tmp" && go mod tidy && mkdir -p "$GOBIN_DIR" && go build -o "$GOBIN_DIR/apko" chainguard.dev/apko)
  rm -rf "$tmp"
fi
echo "test tools ready: $PKGS apko $APKO_VERSION"

# Go tools, pinned, built from the Go module proxy with `go install` into the Go bin
# directory ($(go env GOPATH)/bin; tests look there even when it is not on PATH).
# A binary whose embedded module version already matches is kept: a rerun installs nothing.
#   cosign (v2) and cosign3 (v3)   verify pare's signatures/attestations, sign for pare to verify
#   syft                           compare the packages a scanner finds with pare's lock and SBOM
#   crane                          validate, read, pull and copy pare-pushed images
mkdir -p "$GOBIN_DIR"
go_tool() { # NAME PACKAGE VERSION
  name=$1 pkg=$2 ver=$3
  if [ -x "$GOBIN_DIR/$name" ] && go version -m "$GOBIN_DIR/$name" 2>/dev/null | grep -q "^[[:space:]]*mod[[:space:]].*[[:space:]]$ver[[:space:]]"; then
    return 0
  fi
  tmp=$(mktemp -d)
  echo "go install $pkg@$ver -> $GOBIN_DIR/$name"
  GOBIN="$tmp" CGO_ENABLED=0 go install "$pkg@$ver"
  mv "$tmp/$(basename "$pkg")" "$GOBIN_DIR/$name"
  rm -rf "$tmp"
}
go_tool crane github.com/google/go-containerregistry/cmd/crane v0.22.1
go_tool syft github.com/anchore/syft/cmd/syft v1.57.2
go_tool cosign github.com/sigstore/cosign/v2/cmd/cosign v2.6.5
go_tool cosign3 github.com/sigstore/cosign/v3/cmd/cosign v3.1.3
echo "go test tools ready: crane syft cosign cosign3 in $GOBIN_DIR"
