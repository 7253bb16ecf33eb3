"""The collector: receives batches of envelopes over HTTP, decodes them with
Google's protobuf package from descriptors built from the IR, validates them
with the SDKs' own rules, deduplicates on event_id and stores them in a sink
(DuckDB by default, Kafka at scale). See docs/collector.md."""
