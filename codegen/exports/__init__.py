"""Exports of the model for data consumers: `.proto` and JSON Schema."""
