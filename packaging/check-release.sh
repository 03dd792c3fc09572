#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A dry run of a release to Maven Central, checked: in a copy of the tree set to a release version
# (the version a release sets; this checkout's -SNAPSHOT would go to the snapshot repository), sign
# with a throwaway key, build the Central Portal bundle without uploading it, then check that every
# published artifact has its POM, jar, sources and javadoc (a POM-only module: its POM), each with
# a signature gpg verifies and checksums, and that nothing unpublished (testkit, benchmarks, dist)
# is in it. Run by .ci/run; one line and a non-zero exit on the first problem.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
fail() { echo "check-release: $*" >&2; exit 1; }
work="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
snapshot="$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$repo/pom.xml" | head -1)"
version="${snapshot%-SNAPSHOT}"

mkdir -m 700 "$work/gnupg"
export GNUPGHOME="$work/gnupg"
gpg --batch --quiet --passphrase '' --quick-gen-key 'Foxing release check (throwaway) <ci@foxing.invalid>' ed25519 sign 1d 2>/dev/null

tar -C "$repo" --exclude=./.git --exclude='*/target' --exclude=./target -cf - . | tar -C "$work" -xf - --one-top-level=tree
find "$work/tree" -name pom.xml -exec sed -i "s|<version>$snapshot</version>|<version>$version</version>|" {} +
# the Portal's credentials are asked for even when nothing is uploaded: a server entry with none
cat >"$work/settings.xml" <<'XML'
<settings><servers><server><id>central</id><username>none</username><password>none</password></server></servers></settings>
XML
log="$work/release.log"
# not installed: the local repository keeps this checkout's -SNAPSHOT, not a release that was never made
(cd "$work/tree" && mvn -B -s "$work/settings.xml" -Prelease -DskipTests -Dmaven.install.skip=true \
    -Dcentral.skipUpload=true deploy >"$log" 2>&1) ||
  { tail -40 "$log" >&2; fail "the release build failed (log above)"; }
bundle="$(find "$work/tree" -path '*/central-publishing/central-bundle.zip' | head -1)"
[ -n "$bundle" ] || fail "no central-bundle.zip was made"
mkdir "$work/bundle" && (cd "$work/bundle" && unzip -q "$bundle")

# what should be published: the parent and every module that does not skip deployment (the same
# rule BomTest uses); the bundle must hold exactly these
published=(foxing-parent)
for m in $(sed -n 's|^ *<module>\(.*\)</module>|\1|p' "$repo/pom.xml"); do
  grep -q '<maven.deploy.skip>true</maven.deploy.skip>' "$repo/$m/pom.xml" || published+=("$m")
done
actual="$(ls "$work/bundle/io/foxing" | sort | tr '\n' ' ')"
expected="$(printf '%s\n' "${published[@]}" | sort | tr '\n' ' ')"
[ "$actual" = "$expected" ] || fail "the bundle holds [$actual], not [$expected] (excludeArtifacts in pom.xml)"
for a in "${published[@]}"; do
  dir="$work/bundle/io/foxing/$a/$version"
  [ -d "$dir" ] || fail "$a $version is not in the bundle"
  files=("$a-$version.pom")
  case "$a" in foxing-parent|foxing-bom) ;; *) files+=("$a-$version.jar" "$a-$version-sources.jar" "$a-$version-javadoc.jar") ;; esac
  for f in "${files[@]}"; do
    for suffix in "" .asc .md5 .sha1; do
      [ -f "$dir/$f$suffix" ] || fail "$a: $f$suffix is missing from the bundle"
    done
    gpg --batch --quiet --verify "$dir/$f.asc" "$dir/$f" 2>/dev/null || fail "$a: the signature of $f does not verify"
    [ "$(md5sum <"$dir/$f" | cut -d' ' -f1)" = "$(cat "$dir/$f.md5")" ] || fail "$a: $f.md5 is wrong"
  done
  for tag in '<developers>' '<scm' '<licenses>' '^  <url>'; do
    grep -q "$tag" "$dir/$a-$version.pom" || \
      { [ "$a" != foxing-bom ] && [ "$a" != foxing-parent ] && grep -q '<parent>' "$dir/$a-$version.pom"; } || \
      fail "$a's POM has no $tag"
  done
done
[ -f "$work/bundle/io/foxing/foxing-bpf/$version/foxing-bpf-$version.jar" ] &&
  unzip -l "$work/bundle/io/foxing/foxing-bpf/$version/foxing-bpf-$version.jar" | grep -q 'foxing.bpf.o$' ||
  fail "foxing-bpf's jar has no BPF program"
n="$(find "$work/bundle" -type f -name '*.asc' | wc -l)"
echo "check-release: $version bundle of ${#published[@]} artifacts checked: POM, jar, sources, javadoc, $n signatures verified, checksums, nothing unpublished"
