#!/usr/bin/env bash
# Scale-out check on a real batch system: a one-node Slurm cluster (Debian's slurm-wlm and munge,
# installed with apt-get when missing) runs the job array that `aimc sweep --emit-slurm` writes,
# `aimc merge` joins its shards, and the merged report must equal the single-machine
# `aimc sweep --json` of the same plan. Starts only the daemons that are not running, with a
# private slurm.conf and state folder, and stops exactly those (by process id) when it ends.
# Bounded: every wait has a deadline (AIMC_SLURM_TIMEOUT seconds for the job array, default 120).
# Needs root (or password-less sudo) for the daemons; exits non-zero on any failure or difference.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    exec sudo -n -E env "PATH=$PATH" bash "$0" "$@"
  fi
  echo "slurm-sweep-check: needs root (or password-less sudo) to run munged, slurmctld and slurmd" >&2
  exit 1
fi

job_timeout=${AIMC_SLURM_TIMEOUT:-120}
plan=(examples/gpt2-gaincell.aimc.yaml --vary weights.adc.bits=4..8)
tasks=3
started=$SECONDS
log() { echo "slurm-sweep-check: $*"; }

missing=()
command -v munged >/dev/null 2>&1 || missing+=(munge)
{ command -v slurmctld && command -v slurmd && command -v sbatch; } >/dev/null 2>&1 || missing+=(slurm-wlm)
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -f dist/cli.js ] && [ -f dist/worker.js ] || npm run build
node=$(command -v node)
aimc=("$node" "$root/dist/cli.js")

work=$(mktemp -d /tmp/aimc-slurm.XXXXXX)
chmod 755 "$work"
pids=() # daemons this script started, stopped in reverse order
ok=0
cleanup() {
  local i pid
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[i]}
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if ((ok)); then
    rm -rf "$work"
  else
    for f in "$work"/*.log "$work"/job/*.out; do
      [ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
    done
    log "FAILED after $((SECONDS - started)) s (files kept in $work)" >&2
  fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# Waits until "$@" succeeds, at most $1 seconds.
wait_for() {
  local limit=$1 what=$2
  shift 2
  local end=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= end)); then
      log "$what not ready after $limit s" >&2
      return 1
    fi
    sleep 0.5
  done
}

# munge: the authentication Slurm uses between its daemons and commands.
if ! pgrep -x munged >/dev/null; then
  [ -f /etc/munge/munge.key ] || /usr/sbin/mungekey -c
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge
  setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged -F --force >"$work/munged.log" 2>&1 &
  pids+=($!)
  log "started munged (pid $!)"
fi
wait_for 20 munged sh -c 'munge -n | unmunge'

if pgrep -x slurmctld >/dev/null; then
  log "using the Slurm cluster that is already running"
else
  host=$(hostname -s)
  mkdir -p "$work/ctld" "$work/d"
  export SLURM_CONF=$work/slurm.conf
  # Addresses given, so nothing depends on the host name resolving.
  cat >"$SLURM_CONF" <<CONF
ClusterName=aimccheck
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=$work/ctld
SlurmdSpoolDir=$work/d
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  if pgrep -x slurmd >/dev/null; then
    log "a slurmd runs without a slurmctld; stop it first" >&2
    exit 1
  fi
  slurmctld -D -f "$SLURM_CONF" >"$work/slurmctld.stderr.log" 2>&1 &
  pids+=($!)
  log "started slurmctld (pid $!)"
  wait_for 30 slurmctld scontrol ping
  slurmd -D -f "$SLURM_CONF" >"$work/slurmd.stderr.log" 2>&1 &
  pids+=($!)
  log "started slurmd (pid $!)"
fi
wait_for 30 "an idle node" sh -c 'sinfo -h -o %T | grep -Eq "^(idle|mixed|allocated)"'

# The job array, as a user would submit it.
mkdir -p "$work/job"
"${aimc[@]}" sweep "${plan[@]}" --emit-slurm --tasks "$tasks" --workers 1 --out "$work/job/sweep.sbatch"
cd "$work/job"
jobid=$(AIMC="${aimc[*]}" sbatch --parsable sweep.sbatch)
jobid=${jobid%%;*}
log "submitted job array $jobid ($tasks tasks)"
end=$((SECONDS + job_timeout))
while [ -n "$(squeue -h -j "$jobid" 2>/dev/null)" ]; do
  if ((SECONDS >= end)); then
    log "job array $jobid not finished after $job_timeout s" >&2
    squeue -j "$jobid" >&2 || true
    scancel "$jobid" || true
    exit 1
  fi
  sleep 1
done
log "job array finished after $((SECONDS - end + job_timeout)) s"
states=$(scontrol -o show job "$jobid" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c | tr -s ' ')
log "task states:$states"
if grep -qv 'JobState=COMPLETED' <<<"$(scontrol -o show job "$jobid" | grep -o 'JobState=[A-Z_]*')"; then
  log "not every task completed" >&2
  exit 1
fi
shards=(results/shard-*.json)
if [ "${#shards[@]}" != "$tasks" ] || [ ! -f "${shards[0]}" ]; then
  log "expected $tasks shard files, found: ${shards[*]}" >&2
  exit 1
fi

"${aimc[@]}" merge "${shards[@]}" --json --out merged.json
cd "$root"
"${aimc[@]}" sweep "${plan[@]}" --json --out "$work/job/single.json"

# Equal once the shard field is set aside (both are null: a merge is not a shard).
"$node" -e '
const fs = require("node:fs");
const { isDeepStrictEqual } = require("node:util");
const [merged, single] = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
for (const r of [merged, single]) delete r.shard;
if (!isDeepStrictEqual(merged, single)) {
  fs.writeFileSync(process.argv[1] + ".cmp", JSON.stringify(merged, null, 2));
  fs.writeFileSync(process.argv[2] + ".cmp", JSON.stringify(single, null, 2));
  process.exit(1);
}
console.log(`slurm-sweep-check: merged report equals the single-machine sweep (${single.points.length} points)`);
' "$work/job/merged.json" "$work/job/single.json" || {
  diff "$work/job/merged.json.cmp" "$work/job/single.json.cmp" | head -40 >&2 || true
  log "the merged report differs from the single-machine sweep" >&2
  exit 1
}
ok=1
log "passed in $((SECONDS - started)) s"
