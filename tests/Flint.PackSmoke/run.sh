#!/usr/bin/env bash
# Packs Flint (and Flint.Interactive) into a folder feed, creates a fresh console app that installs the package from
# that feed with `dotnet add package`, builds Program.cs (the package README's first model) in it and checks what it
# prints: the losses fall, the prediction is printed as PyTorch prints a tensor, and torch.__version__ is the
# packed version. Also checks the package holds the XML docs, the README and the runtime settings, and that the
# symbols package holds the PDB with SourceLink. Prints one "pack smoke: PASS/FAIL" line; exits 1 on FAIL.
set -uo pipefail
cd "$(dirname "$0")"
here=$PWD
root=$(cd ../.. && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "pack smoke: FAIL ($1)"; exit 1; }
t0=$SECONDS

# the packages, as a release pipeline makes them
for p in Flint Flint.Interactive; do
    dotnet pack "$root/src/$p" -c Release -o "$tmp/feed" > "$tmp/pack-$p.log" 2>&1 || { tail -40 "$tmp/pack-$p.log"; fail "dotnet pack $p failed"; }
done
nupkg=$(ls "$tmp"/feed/Flint.[0-9]*.nupkg 2>/dev/null | grep -v snupkg | head -1)
[ -n "$nupkg" ] || fail "no Flint .nupkg"
version=$(basename "$nupkg" .nupkg); version=${version#Flint.}
snupkg="$tmp/feed/Flint.$version.snupkg"
[ -s "$snupkg" ] || fail "no Flint.$version.snupkg"
[ -s "$tmp/feed/Flint.Interactive.$version.nupkg" ] || fail "no Flint.Interactive.$version.nupkg"
echo "pack smoke: packed Flint $version in $((SECONDS - t0)) s: .nupkg $(( $(stat -c %s "$nupkg") / 1024 )) KiB, .snupkg $(( $(stat -c %s "$snupkg") / 1024 )) KiB"

# what the package holds
python3 - "$nupkg" "$snupkg" "$version" <<'PY' || fail "package contents"
import sys, zipfile, re
nupkg, snupkg, version = sys.argv[1:]
names = set(zipfile.ZipFile(nupkg).namelist())
for need in ["lib/net10.0/Flint.dll", "lib/net10.0/Flint.xml", "README.md", "buildTransitive/Flint.targets"]:
    if need not in names: sys.exit(f"{need} missing from the .nupkg")
z = zipfile.ZipFile(nupkg)
nuspec = z.read("Flint.nuspec").decode()
for need in [f"<version>{version}</version>", '<license type="expression">MIT</license>', "<projectUrl>", "<repository ", "<readme>README.md</readme>"]:
    if need not in nuspec: sys.exit(f"the nuspec lacks {need}")
docs = z.read("lib/net10.0/Flint.xml").decode()
members = len(re.findall(r'<member name="', docs))
if members < 1000: sys.exit(f"the XML docs hold only {members} members")
pdb = zipfile.ZipFile(snupkg).read("lib/net10.0/Flint.pdb")
if b"raw.githubusercontent.com" not in pdb and b"/raw/" not in pdb: sys.exit("the PDB has no SourceLink")
print(f"pack smoke: Flint.xml documents {members} members; the PDB has SourceLink")
PY

# a fresh app that installs the package from the folder feed; NuGet's own packages folder is private to this run
# (so the freshly packed version is the one restored) and the machine's packages folder serves the dependencies
# when no registry is reachable
global=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')
mkdir -p "$tmp/app"
cd "$tmp/app"
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config><add key="globalPackagesFolder" value="$tmp/packages" /></config>
  <packageSources>
    <clear />
    <add key="flint-local" value="$tmp/feed" />
    <add key="machine-cache" value="$global" />
  </packageSources>
</configuration>
XML
dotnet new console -n SmokeApp -o . --framework net10.0 > "$tmp/new.log" 2>&1 || { cat "$tmp/new.log"; fail "dotnet new console failed"; }
cp "$here/Program.cs" Program.cs
dotnet add package Flint --version "$version" > "$tmp/add.log" 2>&1 || { tail -30 "$tmp/add.log"; fail "dotnet add package Flint --version $version failed"; }
dotnet build -c Release -o "$tmp/out" > "$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log"; fail "the app does not build against the package"; }
# the package's runtime settings reached the app
grep -q '"System.GC.LOHThreshold"' "$tmp/out/SmokeApp.runtimeconfig.json" || fail "the package's GC settings are not in the app's runtimeconfig.json"
dotnet "$tmp/out/SmokeApp.dll" > "$tmp/run.txt" 2>&1 || { cat "$tmp/run.txt"; fail "the app failed"; }
cat "$tmp/run.txt"
python3 - "$tmp/run.txt" "$version" <<'PY' || fail "the app's output"
import sys, re
text = open(sys.argv[1]).read()
losses = [float(v) for v in re.findall(r"^step \d+: loss ([0-9.]+)$", text, re.M)]
if len(losses) != 5: sys.exit("expected 5 loss lines")
if not losses[-1] < 0.05 < losses[0]: sys.exit(f"the loss did not fall: {losses}")
m = re.search(r"^tensor\(\[\[(-?[0-9.]+)\]\], grad_fn=<AddmmBackward0>\)$", text, re.M)
if not m or abs(float(m.group(1)) - 2.0) > 0.2: sys.exit("the prediction at 0.5 is not about 2.0, printed as PyTorch prints it")
if f"torch.__version__ {sys.argv[2]}" not in text: sys.exit("torch.__version__ is not the packed version")
PY
echo "pack smoke: PASS (Flint $version from a local feed into a fresh app, trained, in $((SECONDS - t0)) s)"
