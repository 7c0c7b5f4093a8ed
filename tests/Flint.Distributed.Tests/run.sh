#!/usr/bin/env bash
# Runs the multi-process tests under mpirun: every collective and DistributedDataParallel with 2 and 3 ranks, then
# a rank that never joins an all_reduce (the others must fail with the timeout error) and a rank killed with SIGKILL
# (the job must end, not hang), and the Quickstart sample's --distributed run. Prints one "distributed:
# PASS/FAIL/SKIPPED" line; exits 1 on FAIL. Without mpirun it prints SKIPPED and exits 0.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 TERM=dumb
if ! command -v mpirun > /dev/null; then
    echo "distributed: SKIPPED: mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)"
    exit 0
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "distributed: FAIL ($1)"; exit 1; }
# Open MPI refuses root unless told; --oversubscribe lets 3 ranks share fewer cores
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
mpi=(mpirun --oversubscribe --bind-to none)
refs=$(pwd)/../Flint.Tests/References/distributed.json

t0=$SECONDS
dotnet build -c Release > "$out/build.log" 2>&1 || { tail -40 "$out/build.log"; fail "build failed"; }
echo "distributed: test program built in $((SECONDS - t0)) s"
app=(dotnet bin/Release/net10.0/Flint.Distributed.Tests.dll)

for n in 2 3; do
    for mode in collectives ddp; do
        t0=$SECONDS
        if ! timeout 180 "${mpi[@]}" -np $n "${app[@]}" $mode "$refs" > "$out/$mode$n.txt" 2>&1; then
            grep -v "^\s*$" "$out/$mode$n.txt" | tail -30; fail "$mode with $n ranks"
        fi
        echo "distributed: $(grep -aE "$mode with" "$out/$mode$n.txt" | sed 's/^[^a-z]*//') ($((SECONDS - t0)) s)"
    done
done

# the Quickstart sample with --distributed: 2 ranks, 1 epoch on the bundled data; rank 0 alone prints and saves
t0=$SECONDS
dotnet build -c Release ../../samples/Quickstart > "$out/quickstart-build.log" 2>&1 || { tail -40 "$out/quickstart-build.log"; fail "the Quickstart sample did not build"; }
mkdir "$out/quickstart"
quickstart=$(pwd)/../../samples/Quickstart/bin/Release/net10.0/Quickstart.dll
if ! (cd "$out/quickstart" && timeout 300 "${mpi[@]}" -np 2 dotnet "$quickstart" --distributed --bundled --epochs 1 > ../quickstart.txt 2>&1); then
    tail -30 "$out/quickstart.txt"; fail "Quickstart --distributed with 2 ranks"
fi
for line in "Distributed: 2 ranks over mpi" "Test Error:" "Saved PyTorch Model State to model.pth" "Predicted: "; do
    [ "$(grep -c "$line" "$out/quickstart.txt")" -eq 1 ] || { cat "$out/quickstart.txt"; fail "Quickstart --distributed: \"$line\" is not printed exactly once"; }
done
[ -s "$out/quickstart/model.pth" ] || fail "Quickstart --distributed saved no model.pth"
[ -z "$(ls -A "$out/quickstart" | grep -v '^model.pth$\|^curves.png$')" ] || { ls -A "$out/quickstart"; fail "Quickstart --distributed left other files"; }
echo "distributed: Quickstart --distributed with 2 ranks: 1 epoch, rank 0 alone printed and saved model.pth ($((SECONDS - t0)) s)"

# a rank that does not join: the others time out (5 s) with a clear error and the job ends
t0=$SECONDS
timeout 60 "${mpi[@]}" -np 3 "${app[@]}" timeout > "$out/timeout.txt" 2>&1
rc=$?
took=$((SECONDS - t0))
[ "$rc" -eq 124 ] && fail "a rank that never joins made the job hang"
[ "$rc" -eq 0 ] && fail "a rank that never joins: the job succeeded"
grep -q "DistBackendError after .* Watchdog caught collective operation timeout: WorkMPI(SeqNum=1, OpType=ALLREDUCE" "$out/timeout.txt" \
    || { cat "$out/timeout.txt"; fail "no timeout error from the waiting ranks"; }
[ "$took" -le 40 ] || fail "a rank that never joins: the job took $took s"
echo "distributed: a rank that never joins: the others fail after the 5 s timeout, job ended in $took s (exit $rc)"

# a rank killed with SIGKILL: the launcher ends the others
t0=$SECONDS
timeout 60 "${mpi[@]}" -np 3 "${app[@]}" killed > "$out/killed.txt" 2>&1
rc=$?
took=$((SECONDS - t0))
[ "$rc" -eq 124 ] && fail "a killed rank made the job hang"
[ "$rc" -eq 0 ] && fail "a killed rank: the job succeeded"
grep -q "exited on signal 9\|DistBackendError" "$out/killed.txt" || { cat "$out/killed.txt"; fail "no clear error for the killed rank"; }
[ "$took" -le 40 ] || fail "a killed rank: the job took $took s"
echo "distributed: a killed rank: $(grep -o "process rank [0-9]* with PID [0-9]* on node [^ ]* exited on signal 9 (Killed)" "$out/killed.txt" | head -1), job ended in $took s (exit $rc)"
echo "distributed: PASS"
