#!/usr/bin/env bash
# Runs the multi-process tests under mpirun: every collective and DistributedDataParallel with 2 and 3 ranks, then
# a rank that never joins an all_reduce (the others must fail with the timeout error) and a rank killed with SIGKILL
# (the job must end, not hang), the same under MPICH where it is installed, tools/flint-run and the Quickstart
# sample's --distributed run. Prints one "distributed: PASS/FAIL/SKIPPED" line; exits 1 on FAIL. Without mpirun it
# prints SKIPPED and exits 0.
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

# MPICH's ABI (integer handles), under MPICH's own launcher, where MPICH is installed beside Open MPI
if command -v mpiexec.mpich > /dev/null; then
    for n in 2 3; do
        for mode in collectives ddp; do
            t0=$SECONDS
            if ! timeout 180 mpiexec.mpich -n $n "${app[@]}" $mode "$refs" > "$out/mpich-$mode$n.txt" 2>&1; then
                grep -v "^\s*$" "$out/mpich-$mode$n.txt" | tail -30; fail "MPICH: $mode with $n ranks"
            fi
            grep -q "^MPI library: .*libmpich" "$out/mpich-$mode$n.txt" || { cat "$out/mpich-$mode$n.txt"; fail "MPICH: $mode did not load libmpich"; }
            echo "distributed: MPICH: $(grep -aE "$mode with" "$out/mpich-$mode$n.txt" | sed 's/^[^a-z]*//') ($((SECONDS - t0)) s)"
        done
    done
    t0=$SECONDS
    timeout 60 mpiexec.mpich -n 3 "${app[@]}" timeout > "$out/mpich-timeout.txt" 2>&1
    rc=$?
    [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q "Watchdog caught collective operation timeout" "$out/mpich-timeout.txt" \
        || { cat "$out/mpich-timeout.txt"; fail "MPICH: a rank that never joins (exit $rc)"; }
    echo "distributed: MPICH: a rank that never joins: the others fail after the 5 s timeout, job ended in $((SECONDS - t0)) s (exit $rc)"
else
    echo "distributed: MPICH steps skipped: mpiexec.mpich is not installed (apt-get install mpich)"
fi

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

# tools/flint-run: torchrun's variables in each rank, output prefixed by rank, a failing rank ends the job with its exit code
t0=$SECONDS
dotnet build -c Release ../../tools/flint-run > "$out/flint-run-build.log" 2>&1 || { tail -40 "$out/flint-run-build.log"; fail "tools/flint-run did not build"; }
run=(dotnet ../../tools/flint-run/bin/Release/net10.0/flint-run.dll)
timeout 180 "${run[@]}" --nproc-per-node 3 --master-port 29611 -- "${app[@]}" launched > "$out/launched.txt" 2>&1 \
    || { tail -30 "$out/launched.txt"; fail "flint-run --nproc-per-node 3"; }
grep -q "^\[rank0\]: launched with 3 ranks: rank 0: 2, rank 1: 2, rank 2: 2$" "$out/launched.txt" || { cat "$out/launched.txt"; fail "flint-run: no rank-prefixed report"; }
timeout 60 "${run[@]}" --nproc-per-node 3 -- "${app[@]}" launched-fail > "$out/launched-fail.txt" 2>&1
rc=$?
[ "$rc" -eq 5 ] || { cat "$out/launched-fail.txt"; fail "flint-run with a failing rank exited $rc, not the rank's 5"; }
grep -q "^\[rank2\]: rank 2: failing on purpose" "$out/launched-fail.txt" || { cat "$out/launched-fail.txt"; fail "flint-run: the failing rank's output"; }
# without a launcher, torchrun's variables cannot connect MPI singletons: a clear error, not a hang
(WORLD_SIZE=2 RANK=0 timeout 60 "${app[@]}" collectives; true) > "$out/singleton.txt" 2>&1
grep -q "WORLD_SIZE 2 was given, but this process was not started by one" "$out/singleton.txt" || { cat "$out/singleton.txt"; fail "env:// without a launcher"; }
echo "distributed: flint-run: 3 ranks with torchrun's variables, a failing rank ends the job with its exit code ($((SECONDS - t0)) s)"

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
