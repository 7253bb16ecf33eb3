"""A real single-node Kafka broker (KRaft) for the session: started with
scripts/kafka.sh on free loopback ports, ready once its admin API answers,
stopped at the end."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from .support import ROOT, free_port

SCRIPT = ROOT / "scripts" / "kafka.sh"


@dataclass
class Broker:
    address: str
    directory: Path

    def stop(self) -> None:
        subprocess.run(["bash", str(SCRIPT), "stop", str(self.directory)], check=True, timeout=60)

    def start(self) -> None:
        port = int(self.address.rsplit(":", 1)[1])
        subprocess.run(["bash", str(SCRIPT), "start", str(self.directory), str(port), str(self.controller_port)],
                       check=True, timeout=120)
        wait_ready(self.address, self.directory)

    controller_port: int = 0


def wait_ready(address: str, directory: Path, timeout: float = 90) -> None:
    from confluent_kafka.admin import AdminClient

    admin = AdminClient({"bootstrap.servers": address})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if admin.list_topics(timeout=2).brokers:
                return
        except Exception:
            pass
        time.sleep(0.5)
    log = directory / "broker.log"
    raise AssertionError(f"Kafka did not become ready in {timeout} s:\n{log.read_text() if log.exists() else ''}")


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory):
    libs = subprocess.run(["bash", str(SCRIPT), "libs"], capture_output=True, text=True, check=True).stdout.strip()
    if not list(Path(libs).glob("kafka_2.13-*.jar")):
        pytest.fail(f"no Kafka jars in {libs}: run scripts/setup-kafka.sh (make setup does)")
    directory = tmp_path_factory.mktemp("kafka")
    broker = Broker(f"127.0.0.1:{free_port()}", directory, free_port())
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()
