#!/usr/bin/env bash
# Start or stop a single-node Kafka broker (KRaft: broker and controller in
# one JVM) on 127.0.0.1, from the jars scripts/setup-kafka.sh fetched.
#
#   scripts/kafka.sh start DIR PORT CONTROLLER_PORT   # returns once the JVM runs; DIR holds config, data, log, pid
#   scripts/kafka.sh stop DIR                         # stops the broker started in DIR and waits for it
#   scripts/kafka.sh libs                             # prints the jar folder
#
# Readiness is for the caller to poll (the tests ask the admin API).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POM="$ROOT/scripts/kafka/pom.xml"
VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")"
LIBS="${CODEGEN_CACHE:-${HOME:-/root}/.cache/codegen}/kafka-$VERSION/libs"

case "${1:-}" in
libs)
    echo "$LIBS"
    ;;
start)
    DIR="$2" PORT="$3" CONTROLLER_PORT="$4"
    [ -f "$LIBS/kafka_2.13-$VERSION.jar" ] || { echo "kafka.sh: no Kafka jars in $LIBS; run scripts/setup-kafka.sh" >&2; exit 1; }
    mkdir -p "$DIR/data"
    cat > "$DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DIR/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
PROPS
    JAVA_OPTS=(-Xms256m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true
               "-Dlog4j2.configurationFile=$ROOT/scripts/kafka/log4j2.properties")
    if [ ! -f "$DIR/data/meta.properties" ]; then
        CLUSTER_ID="$(java -cp "$LIBS/*" "${JAVA_OPTS[@]}" kafka.tools.StorageTool random-uuid)"
        java -cp "$LIBS/*" "${JAVA_OPTS[@]}" kafka.tools.StorageTool format -t "$CLUSTER_ID" \
            -c "$DIR/server.properties" >"$DIR/format.log" 2>&1
    fi
    nohup java -cp "$LIBS/*" "${JAVA_OPTS[@]}" kafka.Kafka "$DIR/server.properties" >"$DIR/broker.log" 2>&1 &
    echo $! >"$DIR/broker.pid"
    ;;
stop)
    DIR="$2"
    [ -f "$DIR/broker.pid" ] || exit 0
    PID="$(cat "$DIR/broker.pid")"
    if kill -0 "$PID" 2>/dev/null; then
        kill "$PID"
        for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$PID" 2>/dev/null && kill -9 "$PID"
    fi
    rm -f "$DIR/broker.pid"
    ;;
*)
    echo "usage: scripts/kafka.sh start DIR PORT CONTROLLER_PORT | stop DIR | libs" >&2
    exit 2
    ;;
esac
