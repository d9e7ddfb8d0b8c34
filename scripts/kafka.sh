#!/usr/bin/env bash
# Local Apache Kafka (KRaft) for development and tests: one node, or a cluster of
# KAFKA_NODES nodes on this machine, each node broker and controller in one JVM.
# The broker jars come from Maven (tools/kafka/pom.xml).
#
# Usage: scripts/kafka.sh start|stop|status|fetch
#        scripts/kafka.sh start NODE    start one node (1..KAFKA_NODES) of the cluster, if it is not running
#        scripts/kafka.sh kill NODE     SIGKILL one node, as a crash does
#        scripts/kafka.sh pid NODE      the process id of one node
#   `start` starts every node that is not running, so it also brings a killed node back.
#
# Environment (all optional):
#   KAFKA_VERSION          broker version to fetch                 (default 4.4.0)
#   KAFKA_HOME_DIR         jar cache, shared between clones         (default ~/.cache/campaign-service-kafka/<version>)
#   KAFKA_NODES            nodes of the cluster                     (default 1)
#   KAFKA_DATA_DIR         data, config, broker.log, pid file       (default <repo>/.kafka, <repo>/.kafka-cluster for several nodes;
#                          node N of a cluster lives in KAFKA_DATA_DIR/node-N)
#   KAFKA_PORT             client listener on 127.0.0.1             (default 9092; node N: KAFKA_PORT+2(N-1))
#   KAFKA_CONTROLLER_PORT  KRaft controller listener on 127.0.0.1   (default KAFKA_PORT+1; node N: +2(N-1))
#   KAFKA_PORTS            client ports of all nodes, comma-separated (instead of KAFKA_PORT)
#   KAFKA_CONTROLLER_PORTS controller ports of all nodes, comma-separated (instead of KAFKA_CONTROLLER_PORT)
#   KAFKA_SECURE_PORT      one more client listener on 127.0.0.1, SASL_SSL with the PLAIN mechanism, for testing TLS and
#                          SASL clients (single node only; none by default). Its certificate is self-signed, made with
#                          keytool once per KAFKA_DATA_DIR; clients trust KAFKA_DATA_DIR/tls/ca.pem. Its user is
#                          KAFKA_SASL_USER (default campaigns) with KAFKA_SASL_SECRET (default campaigns-secret).
#   KAFKA_HEAP_OPTS        broker JVM heap                          (default -Xms256m -Xmx512m; -Xms128m -Xmx256m per node of a cluster)
#   KAFKA_READY_TIMEOUT    seconds to wait for the broker on start  (default 90; 180 for a cluster)
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM on stop    (default 30)
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POM="$REPO_DIR/tools/kafka/pom.xml"

KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
KAFKA_HOME_DIR="${KAFKA_HOME_DIR:-$HOME/.cache/campaign-service-kafka/$KAFKA_VERSION}"
KAFKA_NODES="${KAFKA_NODES:-1}"
[[ "$KAFKA_NODES" =~ ^[1-9]$ ]] || { echo "kafka: KAFKA_NODES must be 1 to 9 (got '$KAFKA_NODES')" >&2; exit 2; }
if ((KAFKA_NODES == 1)); then
  KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$REPO_DIR/.kafka}"
  KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
  KAFKA_READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
else
  KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$REPO_DIR/.kafka-cluster}"
  KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx256m}"
  KAFKA_READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-180}"
fi
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

# Client and controller port of each node, index 1..KAFKA_NODES.
CLIENT_PORTS=(0)
CONTROLLER_PORTS=(0)
if [[ -n "${KAFKA_PORTS:-}" ]]; then IFS=, read -r -a _ports <<<"$KAFKA_PORTS"; CLIENT_PORTS+=("${_ports[@]}"); fi
if [[ -n "${KAFKA_CONTROLLER_PORTS:-}" ]]; then IFS=, read -r -a _ports <<<"$KAFKA_CONTROLLER_PORTS"; CONTROLLER_PORTS+=("${_ports[@]}"); fi
for ((n = 1; n <= KAFKA_NODES; n++)); do
  [[ -n "${CLIENT_PORTS[n]:-}" ]] || CLIENT_PORTS[n]=$((KAFKA_PORT + 2 * (n - 1)))
  [[ -n "${CONTROLLER_PORTS[n]:-}" ]] || CONTROLLER_PORTS[n]=$((KAFKA_CONTROLLER_PORT + 2 * (n - 1)))
done

LIB_DIR="$KAFKA_HOME_DIR/libs"
FETCH_MARKER="$KAFKA_HOME_DIR/.fetched"
BROKER_LOG4J="$KAFKA_DATA_DIR/log4j2.properties"
TOOLS_LOG4J="$KAFKA_DATA_DIR/tools-log4j2.properties"
TOOLS_ADMIN_PROPS="$KAFKA_DATA_DIR/tools-admin.properties"
CLUSTER_ID_FILE="$KAFKA_DATA_DIR/cluster.id"

# The files of one node; a single node keeps the layout of KAFKA_DATA_DIR it always had.
node_dir() { if ((KAFKA_NODES == 1)); then echo "$KAFKA_DATA_DIR"; else echo "$KAFKA_DATA_DIR/node-$1"; fi; }
log_dirs() { echo "$(node_dir "$1")/data"; }
server_props() { echo "$(node_dir "$1")/server.properties"; }
broker_log() { echo "$(node_dir "$1")/broker.log"; }
pid_file() { echo "$(node_dir "$1")/kafka.pid"; }
bootstrap() { echo "127.0.0.1:${CLIENT_PORTS[$1]}"; }
all_bootstrap() {
  local n list=""
  for ((n = 1; n <= KAFKA_NODES; n++)); do list+="${list:+,}$(bootstrap "$n")"; done
  echo "$list"
}
quorum_voters() {
  local n list=""
  for ((n = 1; n <= KAFKA_NODES; n++)); do list+="${list:+,}$n@127.0.0.1:${CONTROLLER_PORTS[n]}"; done
  echo "$list"
}

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

# Clones share the cache: one fetch at a time, under a lock that only the fetch holds (a broker started later must
# not inherit it), and a fetch that waited finds the jars the first one put there instead of replacing them under a
# broker or tool that already runs from them.
fetch_jars() {
  jars_present && return 0
  mkdir -p "$KAFKA_HOME_DIR"
  (
    if command -v flock >/dev/null 2>&1; then
      flock -w 600 8 || die "timed out waiting for another fetch of the Kafka jars into $KAFKA_HOME_DIR"
    fi
    jars_present && exit 0
    fetch_jars_unlocked
  ) 8>"$KAFKA_HOME_DIR/.fetch-lock"
}

fetch_jars_unlocked() {
  require_mvn
  log "fetching Kafka $KAFKA_VERSION jars into $LIB_DIR"
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
  local file
  file="$(pid_file "$1")"
  if [[ -f "$file" ]]; then cat "$file"; fi
}

# True while the process exists and is not a zombie waiting to be reaped.
pid_running() {
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z* ]]
}

# True when the pid file of node $1 names a live Kafka broker process.
broker_alive() {
  local pid
  pid="$(read_pid "$1")"
  [[ -n "$pid" ]] && pid_running "$pid" &&
    ps -p "$pid" -o args= 2>/dev/null | grep -q 'kafka\.Kafka'
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Node $1 finished starting: its log (rotated at each launch) says so. Reading it costs nothing, where asking the
# broker through a command line tool starts a JVM each second.
broker_answers() {
  grep -q 'Kafka Server started' "$(broker_log "$1")" 2>/dev/null
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
  mkdir -p "$(log_dirs "$1")"
}

# Internal topics are replicated over the whole cluster (up to 3), with stock broker defaults otherwise:
# a topic created without a replication factor gets one replica, as on a stock cluster.
# The self-signed certificate of the SASL_SSL listener, and the PEM clients trust it by.
ensure_tls_files() {
  local dir="$KAFKA_DATA_DIR/tls"
  [[ -f "$dir/broker.p12" && -f "$dir/ca.pem" ]] && return 0
  command -v keytool >/dev/null 2>&1 || die "keytool not found: it comes with the JDK, and makes the certificate of KAFKA_SECURE_PORT"
  mkdir -p "$dir"
  rm -f "$dir/broker.p12" "$dir/ca.pem"
  keytool -genkeypair -alias broker -keyalg RSA -keysize 2048 -validity 3650 -dname "CN=127.0.0.1" \
    -ext "SAN=IP:127.0.0.1,DNS:localhost" -keystore "$dir/broker.p12" -storetype PKCS12 \
    -storepass campaign-tls -keypass campaign-tls >/dev/null 2>&1 || die "keytool could not make the certificate in $dir"
  keytool -exportcert -rfc -alias broker -keystore "$dir/broker.p12" -storepass campaign-tls -file "$dir/ca.pem" \
    >/dev/null 2>&1 || die "keytool could not export the certificate to $dir/ca.pem"
}

# The properties of the SASL_SSL listener, when KAFKA_SECURE_PORT asks for one.
secure_listener_properties() {
  [[ -n "${KAFKA_SECURE_PORT:-}" ]] || return 0
  cat <<EOF
sasl.enabled.mechanisms=PLAIN
listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${KAFKA_SASL_USER:-campaigns}="${KAFKA_SASL_SECRET:-campaigns-secret}";
ssl.keystore.type=PKCS12
ssl.keystore.location=$KAFKA_DATA_DIR/tls/broker.p12
ssl.keystore.password=campaign-tls
ssl.key.password=campaign-tls
EOF
}

write_server_properties() {
  local node="$1" internal_rf=$((KAFKA_NODES < 3 ? KAFKA_NODES : 3))
  local internal_min_isr=$((internal_rf > 1 ? internal_rf - 1 : 1))
  local secure_listener="" secure_map=""
  if [[ -n "${KAFKA_SECURE_PORT:-}" ]]; then
    ((KAFKA_NODES == 1)) || die "KAFKA_SECURE_PORT is for a single node"
    ensure_tls_files
    secure_listener=",SASL_SSL://127.0.0.1:$KAFKA_SECURE_PORT"
    secure_map=",SASL_SSL:SASL_SSL"
  fi
  cat >"$(server_props "$node")" <<EOF
# Generated by scripts/kafka.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=$node
controller.quorum.voters=$(quorum_voters)
listeners=PLAINTEXT://127.0.0.1:${CLIENT_PORTS[node]}${secure_listener},CONTROLLER://127.0.0.1:${CONTROLLER_PORTS[node]}
advertised.listeners=PLAINTEXT://127.0.0.1:${CLIENT_PORTS[node]}${secure_listener}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${secure_map}
$(secure_listener_properties)
log.dirs=$(log_dirs "$node")
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=$internal_rf
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=$internal_rf
transaction.state.log.min.isr=$internal_min_isr
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=$internal_rf
share.coordinator.state.topic.min.isr=$internal_min_isr
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
log.retention.hours=24
log.segment.bytes=67108864
# The log cleaner's offset map takes 128 MB by default, half of a cluster node's heap: a node started again after a
# SIGKILL allocates it on top of its log recovery and was seen to run out of heap. The compacted topics here (the
# consumer offsets) need far less.
log.cleaner.dedupe.buffer.size=16777216
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

# The id every node of this cluster is formatted with, made once.
cluster_id() {
  [[ -f "$CLUSTER_ID_FILE" ]] || run_tool kafka.tools.StorageTool random-uuid >"$CLUSTER_ID_FILE"
  cat "$CLUSTER_ID_FILE"
}

# Formats the storage of node $1 once; meta.properties marks a formatted log dir.
format_storage() {
  local node="$1" dir
  dir="$(log_dirs "$node")"
  [[ -f "$dir/meta.properties" ]] && return 0
  local id
  id="$(cluster_id)"
  log "formatting storage in $dir (cluster id $id)"
  run_tool kafka.tools.StorageTool format -t "$id" -c "$(server_props "$node")" >/dev/null
}

# ---------------------------------------------------------------- start / stop

rotate_broker_log() {
  local file
  file="$(broker_log "$1")"
  [[ -f "$file" ]] && mv -f "$file" "$file.1"
  return 0
}

launch_broker() {
  local node="$1"
  rotate_broker_log "$node"
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS holds several JVM flags
  nohup java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$BROKER_LOG4J" \
    -cp "$LIB_DIR/*" kafka.Kafka "$(server_props "$node")" \
    >"$(broker_log "$node")" 2>&1 </dev/null 9>&- &
  echo $! >"$(pid_file "$node")"
}

# Reports a failed start with the end of the node's log; leaves none of the nodes it started behind.
fail_start() {
  local node="$1" n
  echo "kafka: node $node: $2; last lines of $(broker_log "$node"):" >&2
  tail -n 40 "$(broker_log "$node")" >&2 || true
  for n in "${STARTED_NODES[@]}"; do
    if broker_alive "$n"; then terminate_broker "$n" >&2; fi
    rm -f "$(pid_file "$n")"
  done
  exit 1
}

wait_until_ready() {
  local node="$1" deadline=$((SECONDS + KAFKA_READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    broker_alive "$node" || fail_start "$node" "the broker exited during start-up"
    if port_open "${CLIENT_PORTS[node]}" && broker_answers "$node"; then
      return 0
    fi
    sleep 1
  done
  fail_start "$node" "the broker did not answer on $(bootstrap "$node") within ${KAFKA_READY_TIMEOUT}s"
}

STARTED_NODES=()

cmd_start() {
  acquire_lock
  local node port to_start=() first=1 last=$KAFKA_NODES
  if [[ -n "${1:-}" ]]; then
    [[ "$1" =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= KAFKA_NODES)) || die "no node $1 (KAFKA_NODES=$KAFKA_NODES)"
    first=$1 last=$1
  fi
  for ((node = first; node <= last; node++)); do
    if broker_alive "$node" && port_open "${CLIENT_PORTS[node]}"; then
      log "node $node already running (pid $(read_pid "$node")) on $(bootstrap "$node")"
      continue
    fi
    broker_alive "$node" &&
      die "node $node (pid $(read_pid "$node")) is running but not listening on $(bootstrap "$node"); run 'scripts/kafka.sh stop' first"
    to_start+=("$node")
  done
  ((${#to_start[@]} > 0)) || return 0
  require_java
  for node in "${to_start[@]}"; do
    for port in "${CLIENT_PORTS[node]}" "${CONTROLLER_PORTS[node]}"; do
      port_open "$port" && die "port $port on 127.0.0.1 is already in use by another process"
    done
  done
  fetch_jars
  write_tool_configs
  for node in "${to_start[@]}"; do
    ensure_data_dir "$node"
    write_server_properties "$node"
    format_storage "$node"
  done
  local started=$SECONDS
  # All at once: a controller quorum forms only once a majority of the nodes runs.
  for node in "${to_start[@]}"; do
    launch_broker "$node"
    STARTED_NODES+=("$node")
    log "started Kafka $KAFKA_VERSION node $node (pid $(read_pid "$node")), waiting for $(bootstrap "$node")"
  done
  for node in "${to_start[@]}"; do
    wait_until_ready "$node"
  done
  log "ready on $(all_bootstrap) after $((SECONDS - started))s (logs: $(broker_log "${to_start[0]}")$( ((KAFKA_NODES > 1)) && echo ' and the other nodes'))"
}

# SIGTERM, a bounded wait for a clean shutdown, then SIGKILL.
terminate_broker() {
  local node="$1" pid deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  pid="$(read_pid "$node")"
  log "stopping node $node (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  while pid_running "$pid" && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if pid_running "$pid"; then
    log "still running after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while pid_running "$pid"; do sleep 0.2; done
  fi
  rm -f "$(pid_file "$node")"
}

cmd_stop() {
  acquire_lock
  local node pids=() any=0
  # The brokers first, all at once: a controller that stops first would leave the others waiting for a quorum.
  for ((node = KAFKA_NODES; node >= 1; node--)); do
    if broker_alive "$node"; then
      any=1
      terminate_broker "$node" &
      pids+=($!)
    else
      rm -f "$(pid_file "$node")"
    fi
  done
  ((${#pids[@]} == 0)) || wait "${pids[@]}"
  if ((any)); then log "stopped"; else log "not running"; fi
}

cmd_kill() {
  local node="$1" pid
  [[ "$node" =~ ^[0-9]+$ ]] && ((node >= 1 && node <= KAFKA_NODES)) || die "no node $node (KAFKA_NODES=$KAFKA_NODES)"
  broker_alive "$node" || die "node $node is not running"
  pid="$(read_pid "$node")"
  kill -KILL "$pid"
  while pid_running "$pid"; do sleep 0.05; done
  rm -f "$(pid_file "$node")"
  log "killed node $node (pid $pid)"
}

cmd_status() {
  local node down=0
  for ((node = 1; node <= KAFKA_NODES; node++)); do
    if broker_alive "$node" && port_open "${CLIENT_PORTS[node]}"; then
      log "node $node running (pid $(read_pid "$node")) on $(bootstrap "$node")"
    elif broker_alive "$node"; then
      log "node $node: pid $(read_pid "$node") is alive but not listening on $(bootstrap "$node")"
      down=1
    else
      log "node $node not running"
      down=1
    fi
  done
  return "$down"
}

cmd_fetch() {
  fetch_jars
  log "jars in $LIB_DIR"
}

usage() {
  echo "usage: $0 start|stop|status|fetch, or $0 start|kill|pid NODE" >&2
  exit 2
}

main() {
  case "$#:${1:-}" in
    1:start) cmd_start ;;
    1:stop) cmd_stop ;;
    1:status) cmd_status ;;
    1:fetch) cmd_fetch ;;
    2:start) cmd_start "$2" ;;
    2:kill) cmd_kill "$2" ;;
    2:pid) read_pid "$2" ;;
    *) usage ;;
  esac
}

main "$@"
