from .kafka_broker import kafka_broker  # noqa: F401 (a fixture)
