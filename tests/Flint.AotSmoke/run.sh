#!/usr/bin/env bash
# Publishes tests/Flint.AotSmoke with NativeAOT and with trimming, runs both, and checks that they print exactly
# what the JIT build prints (same seed: the same modules and state_dict keys, the same losses and trained weights to
# the last bit, the same kernel vector width). Needs clang and zlib1g-dev for NativeAOT. Prints one
# "aot smoke: PASS/FAIL" line; exits 1 on FAIL.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rid=linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')
fail() { echo "aot smoke: FAIL ($1)"; exit 1; }

publish() { # name, extra properties...
    local name=$1; shift
    local t0=$SECONDS
    if ! dotnet publish -c Release -r "$rid" -o "$out/$name" "$@" > "$out/$name.log" 2>&1; then
        tail -40 "$out/$name.log"; fail "$name publish failed"
    fi
    # the library must publish without trimming or AOT warnings
    if grep -E "warning IL[23][0-9]{3}" "$out/$name.log" | sort -u | grep .; then fail "$name publish has trim/AOT warnings"; fi
    echo "aot smoke: $name published in $((SECONDS - t0)) s, executable $(( $(stat -c %s "$out/$name/Flint.AotSmoke") / 1024 )) KiB, folder $(du -sk --exclude="*.dbg" --exclude="*.pdb" "$out/$name" | cut -f1) KiB (symbols aside)"
}

dotnet build -c Release -o "$out/jit" > "$out/jit.log" 2>&1 || { tail -40 "$out/jit.log"; fail "JIT build failed"; }
dotnet "$out/jit/Flint.AotSmoke.dll" > "$out/jit.txt" || fail "JIT run failed"
# NativeAOT links with clang; where the toolchain could not be installed the trimmed build is still checked
builds="aot trimmed"
if ! command -v clang > /dev/null; then
    echo "aot smoke: NativeAOT SKIPPED: clang is not installed (apt-get install clang zlib1g-dev)"
    builds="trimmed"
else
    publish aot -p:PublishAot=true
    "$out/aot/Flint.AotSmoke" > "$out/aot.txt" || fail "NativeAOT run failed"
fi
publish trimmed -p:PublishTrimmed=true -p:SelfContained=true
"$out/trimmed/Flint.AotSmoke" > "$out/trimmed.txt" || fail "trimmed run failed"
cat "$out/jit.txt"
for name in $builds; do
    diff "$out/jit.txt" "$out/$name.txt" > /dev/null || { diff "$out/jit.txt" "$out/$name.txt"; fail "$name output differs from the JIT build's"; }
done
grep -q "^parameters: [1-9]" "$out/jit.txt" || fail "no parameters found"
echo "aot smoke: PASS ($builds: the JIT build's losses and weights hash exactly)"
