#!/usr/bin/env bash
# Local single-node Apache Kafka broker (KRaft, broker+controller in one JVM)
# for development and tests. The broker jars come from Maven (tools/kafka/pom.xml).
#
# Usage: scripts/kafka.sh start|stop|status|fetch
#
# Environment (all optional):
#   KAFKA_VERSION          broker version to fetch                 (default 4.4.0)
#   KAFKA_HOME_DIR         jar cache, shared between clones         (default ~/.cache/campaign-service-kafka/<version>)
#   KAFKA_DATA_DIR         data, config, broker.log, pid file       (default <repo>/.kafka)
#   KAFKA_PORT             client listener on 127.0.0.1             (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller listener on 127.0.0.1   (default KAFKA_PORT+1)
#   KAFKA_HEAP_OPTS        broker JVM heap                          (default -Xms256m -Xmx512m)
#   KAFKA_READY_TIMEOUT    seconds to wait for the broker on start  (default 90)
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM on stop    (default 30)
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POM="$REPO_DIR/tools/kafka/pom.xml"

KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
KAFKA_HOME_DIR="${KAFKA_HOME_DIR:-$HOME/.cache/campaign-service-kafka/$KAFKA_VERSION}"
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$REPO_DIR/.kafka}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

LIB_DIR="$KAFKA_HOME_DIR/libs"
FETCH_MARKER="$KAFKA_HOME_DIR/.fetched"
LOG_DIRS="$KAFKA_DATA_DIR/data"
SERVER_PROPS="$KAFKA_DATA_DIR/server.properties"
BROKER_LOG4J="$KAFKA_DATA_DIR/log4j2.properties"
TOOLS_LOG4J="$KAFKA_DATA_DIR/tools-log4j2.properties"
TOOLS_ADMIN_PROPS="$KAFKA_DATA_DIR/tools-admin.properties"
BROKER_LOG="$KAFKA_DATA_DIR/broker.log"
PID_FILE="$KAFKA_DATA_DIR/kafka.pid"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

log() { echo "kafka: $*"; }
die() { echo "kafka: $*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites

require_java() {
  command -v java >/dev/null 2>&1 || die "java not found: install a JDK 17 or newer (e.g. apt-get install openjdk-17-jdk-headless)"
  local version major
  version="$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  major="${version%%.*}"
  [[ "$major" == "1" ]] && major="$(echo "$version" | cut -d. -f2)"
  [[ "$major" =~ ^[0-9]+$ ]] || die "could not read the java version from 'java -version' (got '$version')"
  ((major >= 17)) || die "java $version found, but Kafka needs java 17 or newer"
}

require_mvn() {
  command -v mvn >/dev/null 2>&1 || die "mvn not found: install Maven 3.8 or newer (e.g. apt-get install maven) to fetch the Kafka jars"
}

# ---------------------------------------------------------------- jars

# Fingerprint of what the jar cache was built from; a change forces a new fetch.
fetch_fingerprint() {
  echo "$KAFKA_VERSION $(sha256sum "$POM" | cut -d' ' -f1)"
}

jars_present() {
  [[ -f "$FETCH_MARKER" && "$(cat "$FETCH_MARKER")" == "$(fetch_fingerprint)" ]]
}

fetch_jars() {
  jars_present && return 0
  require_mvn
  log "fetching Kafka $KAFKA_VERSION jars into $LIB_DIR"
  mkdir -p "$KAFKA_HOME_DIR"
  local tmp="$KAFKA_HOME_DIR/libs.tmp.$$" out="$KAFKA_HOME_DIR/fetch.log"
  rm -rf "$tmp"
  # Maven output is kept in a file and shown only on failure.
  if ! mvn -q -B -f "$POM" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DoutputDirectory="$tmp" >"$out" 2>&1 </dev/null; then
    cat "$out" >&2
    rm -rf "$tmp"
    die "could not fetch the Kafka $KAFKA_VERSION jars with Maven (output above)"
  fi
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  fetch_fingerprint >"$FETCH_MARKER"
}

# Runs a Kafka command line tool class with a small heap and quiet logging.
run_tool() {
  timeout 60 java -Xmx256m -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$TOOLS_LOG4J" \
    -cp "$LIB_DIR/*" "$@"
}

# ---------------------------------------------------------------- process state

read_pid() {
  if [[ -f "$PID_FILE" ]]; then cat "$PID_FILE"; fi
}

# True while the process exists and is not a zombie waiting to be reaped.
pid_running() {
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z* ]]
}

# True when the pid file names a live Kafka broker process.
broker_alive() {
  local pid
  pid="$(read_pid)"
  [[ -n "$pid" ]] && pid_running "$pid" &&
    ps -p "$pid" -o args= 2>/dev/null | grep -q 'kafka\.Kafka'
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The broker answers a metadata request (lists topics through the admin API).
broker_answers() {
  run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
    --command-config "$TOOLS_ADMIN_PROPS" --list >/dev/null 2>&1
}

# Serialises start and stop, so parallel callers never launch two brokers.
acquire_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  mkdir -p "$KAFKA_DATA_DIR"
  exec 9>"$KAFKA_DATA_DIR/.lock"
  flock -w $((KAFKA_READY_TIMEOUT + 60)) 9 || die "timed out waiting for another scripts/kafka.sh run"
}

# ---------------------------------------------------------------- configuration

ensure_data_dir() {
  mkdir -p "$LOG_DIRS"
}

write_server_properties() {
  cat >"$SERVER_PROPS" <<EOF
# Generated by scripts/kafka.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$LOG_DIRS
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
log.retention.hours=24
log.segment.bytes=67108864
EOF
}

write_tool_configs() {
  cat >"$TOOLS_ADMIN_PROPS" <<'EOF'
# Admin client settings for the readiness check: fail fast, the caller retries.
request.timeout.ms=5000
default.api.timeout.ms=10000
EOF
  cat >"$BROKER_LOG4J" <<'EOF'
# Broker logging: everything to stdout, which scripts/kafka.sh sends to broker.log.
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.channel.name = kafka.network.RequestChannel$
logger.channel.level = WARN
EOF
  cat >"$TOOLS_LOG4J" <<'EOF'
# Command line tools: warnings and errors only, to stderr.
status = warn
appender.err.type = Console
appender.err.name = ERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = ERR
EOF
}

# Formats the storage once; meta.properties marks a formatted log dir.
format_storage() {
  [[ -f "$LOG_DIRS/meta.properties" ]] && return 0
  local cluster_id
  cluster_id="$(run_tool kafka.tools.StorageTool random-uuid)"
  log "formatting storage in $LOG_DIRS (cluster id $cluster_id)"
  run_tool kafka.tools.StorageTool format -t "$cluster_id" -c "$SERVER_PROPS" >/dev/null
}

# ---------------------------------------------------------------- start / stop

rotate_broker_log() {
  [[ -f "$BROKER_LOG" ]] && mv -f "$BROKER_LOG" "$BROKER_LOG.1"
  return 0
}

launch_broker() {
  rotate_broker_log
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS holds several JVM flags
  nohup java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$BROKER_LOG4J" \
    -cp "$LIB_DIR/*" kafka.Kafka "$SERVER_PROPS" \
    >"$BROKER_LOG" 2>&1 </dev/null 9>&- &
  echo $! >"$PID_FILE"
}

# Reports a failed start with the end of the broker log; leaves no broker behind.
fail_start() {
  echo "kafka: $1; last lines of $BROKER_LOG:" >&2
  tail -n 40 "$BROKER_LOG" >&2 || true
  if broker_alive; then terminate_broker >&2; fi
  rm -f "$PID_FILE"
  exit 1
}

wait_until_ready() {
  local deadline=$((SECONDS + KAFKA_READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    broker_alive || fail_start "the broker exited during start-up"
    if port_open "$KAFKA_PORT" && broker_answers; then
      return 0
    fi
    sleep 1
  done
  fail_start "the broker did not answer on $BOOTSTRAP within ${KAFKA_READY_TIMEOUT}s"
}

cmd_start() {
  acquire_lock
  if broker_alive && port_open "$KAFKA_PORT"; then
    log "already running (pid $(read_pid)) on $BOOTSTRAP"
    return 0
  fi
  broker_alive && die "a broker (pid $(read_pid)) is running but not listening on $BOOTSTRAP; run 'scripts/kafka.sh stop' first"
  require_java
  local port
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    port_open "$port" && die "port $port on 127.0.0.1 is already in use by another process"
  done
  fetch_jars
  ensure_data_dir
  write_server_properties
  write_tool_configs
  format_storage
  local started=$SECONDS
  launch_broker
  log "started Kafka $KAFKA_VERSION (pid $(read_pid)), waiting for $BOOTSTRAP"
  wait_until_ready
  log "ready on $BOOTSTRAP after $((SECONDS - started))s (log: $BROKER_LOG)"
}

# SIGTERM, a bounded wait for a clean shutdown, then SIGKILL.
terminate_broker() {
  local pid deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  pid="$(read_pid)"
  log "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  while pid_running "$pid" && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if pid_running "$pid"; then
    log "still running after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while pid_running "$pid"; do sleep 0.2; done
  fi
  rm -f "$PID_FILE"
}

cmd_stop() {
  acquire_lock
  if ! broker_alive; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  terminate_broker
  log "stopped"
}

cmd_status() {
  if broker_alive && port_open "$KAFKA_PORT"; then
    log "running (pid $(read_pid)) on $BOOTSTRAP"
    return 0
  fi
  if broker_alive; then
    log "pid $(read_pid) is alive but not listening on $BOOTSTRAP"
  else
    log "not running"
  fi
  return 1
}

cmd_fetch() {
  fetch_jars
  log "jars in $LIB_DIR"
}

usage() {
  echo "usage: $0 start|stop|status|fetch" >&2
  exit 2
}

main() {
  [[ $# -eq 1 ]] || usage
  case "$1" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    fetch) cmd_fetch ;;
    *) usage ;;
  esac
}

main "$@"
