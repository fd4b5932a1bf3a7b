#!/usr/bin/env bash
# Cold start of the local stack: from `java -jar launcher/target/launcher.jar` on a fresh data directory to the
# first alert emailed (the first .eml in the outbox of the launcher's SMTP server). Issue 14 target: <= 30 s.
#
#   benchmarks/cold-start.sh                 # builds the launcher and the services (package, no install), then runs
#   SKIP_BUILD=1 benchmarks/cold-start.sh    # reuse the last build
#   benchmarks/cold-start.sh --runs 3        # several cold starts, each on a fresh directory
#   benchmarks/cold-start.sh -- --replay-seconds 5   # anything after -- goes to the launcher
#
# Breakdown, each from the launch: JVM (the launcher's first line), broker (Kafka ready), services (all three
# healthy: the launcher's "ready in"), first alert on the console (ALERT line), the demo's replay of the year
# (start, end), first alert emailed (.eml written). Alerts about the replayed past are not emailed (stale), so the
# first email comes with the replay's last 14 days, near its end: --replay-seconds (20) is part of this figure.
# Free loopback ports are picked for every listener, so it runs beside another stack. The launcher's own output
# (it prints API keys and secrets) stays in the run's directory under benchmarks/target/cold-start/, removed after.
# Writes benchmarks/target/cold-start.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

runs=1
timeout_s=300
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n 2,16p "$0"; exit 0 ;;
    *) echo "unknown flag $1 (--runs N, --timeout SECONDS)" >&2; exit 2 ;;
  esac
done

if [[ "${SKIP_BUILD:-0}" != 1 || ! -f launcher/target/launcher.jar ]]; then
  ./mvnw -B -q -pl launcher -am package -DskipTests >/dev/null
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
now_ms() { date +%s%3N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

mkdir -p benchmarks/target/cold-start
json_runs=()
for ((run = 1; run <= runs; run++)); do
  dir="$(mktemp -d "$root/benchmarks/target/cold-start/run-XXXXXX")"
  home="$dir/home"
  log="$dir/launcher.out"
  load_start="$(load)"
  args=(--home "$home" --kafka-port "$(free_port)" --controller-port "$(free_port)"
        --producer-port "$(free_port)" --processor-port "$(free_port)" --alert-port "$(free_port)"
        --smtp-port "$(free_port)" --outbox-port "$(free_port)" ${extra[@]+"${extra[@]}"})
  t0="$(now_ms)"
  # Each output line is stamped with the milliseconds since the launch, as it arrives.
  ( java -jar launcher/target/launcher.jar "${args[@]}" 2>&1 & echo $! >"$dir/pid"; wait ) |
    while IFS= read -r line; do printf '%s %s\n' "$(( $(now_ms) - t0 ))" "$line"; done >"$log" &
  reader=$!
  until [[ -s "$dir/pid" ]]; do sleep 0.05; done
  pid="$(cat "$dir/pid")"

  emailed=""
  deadline=$(( t0 + timeout_s * 1000 ))
  while [[ -z "$emailed" ]]; do
    if compgen -G "$home/outbox/*.eml" >/dev/null; then
      emailed=$(( $(now_ms) - t0 ))
      break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "launcher exited before the first email; see $log" >&2; break; fi
    if (( $(now_ms) > deadline )); then echo "no email after ${timeout_s} s; see $log" >&2; break; fi
    sleep 0.1
  done
  load_end="$(load)"

  at() { # milliseconds of the first line matching $1, or empty
    awk -v re="$1" '$0 ~ re { print $1; exit }' "$log"
  }
  jvm="$(awk 'NR == 1 { print $1; exit }' "$log")"
  broker="$(at 'kafka .*ready in')"
  producer="$(at 'invoice-producer healthy after')"
  processor="$(at 'stream-processor healthy after')"
  alerts="$(at 'alert-service +healthy after')"
  services="$(at '^[0-9]+   ready in')"
  first_alert="$(at ' ALERT ')"
  replay_start="$(at 'demo: replaying')"
  replay_end="$(at 'demo: year replayed')"

  # Stop the stack: SIGTERM to the launcher alone; it stops its children in order.
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 900); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  wait "$reader" 2>/dev/null || true

  s() { if [[ -n "$1" ]]; then awk -v ms="$1" 'BEGIN { printf "%.1f s", ms / 1000 }'; else echo "n/a"; fi; }
  d() { if [[ -n "$1" && -n "$2" ]]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "+%.1f s", (b - a) / 1000 }'; fi; }
  verdict="MISSED"
  if [[ -n "$emailed" ]] && (( emailed <= 30000 )); then verdict="met"; fi
  echo "[cold-start] run $run: $(nproc) cores, load average $load_start -> $load_end"
  echo "[cold-start]   JVM up, launcher's first line      $(s "$jvm")"
  echo "[cold-start]   broker ready                       $(s "$broker")  $(d "$jvm" "$broker")"
  echo "[cold-start]   invoice-producer healthy           $(s "$producer")"
  echo "[cold-start]   stream-processor healthy           $(s "$processor")"
  echo "[cold-start]   alert-service healthy              $(s "$alerts")"
  echo "[cold-start]   all services healthy (ready)       $(s "$services")  $(d "$broker" "$services")"
  echo "[cold-start]   first alert on the console         $(s "$first_alert")  $(d "$services" "$first_alert")"
  echo "[cold-start]   demo replay of the year started    $(s "$replay_start")"
  echo "[cold-start]   demo year replayed                 $(s "$replay_end")"
  echo "[cold-start]   first alert emailed (.eml)         $(s "$emailed")  $(d "$first_alert" "$emailed")  (target <= 30 s: $verdict)"
  n() { echo "${1:-null}"; }
  json_runs+=("{\"run\":$run,\"loadStart\":\"$load_start\",\"loadEnd\":\"$load_end\",\"jvmMs\":$(n "$jvm"),\"brokerMs\":$(n "$broker"),\"producerHealthyMs\":$(n "$producer"),\"processorHealthyMs\":$(n "$processor"),\"alertServiceHealthyMs\":$(n "$alerts"),\"servicesReadyMs\":$(n "$services"),\"firstAlertMs\":$(n "$first_alert"),\"replayStartMs\":$(n "$replay_start"),\"replayEndMs\":$(n "$replay_end"),\"firstEmailMs\":$(n "$emailed")}")
  rm -rf "$dir"
done

{
  printf '{"suite":"cold-start","java":"%s","cores":%s,"targetMs":30000,"runs":[' \
    "$(java -version 2>&1 | head -1 | sed 's/"/\\"/g')" "$(nproc)"
  (IFS=,; printf '%s' "${json_runs[*]}")
  printf ']}\n'
} >benchmarks/target/cold-start.json
echo "[cold-start] wrote benchmarks/target/cold-start.json"
