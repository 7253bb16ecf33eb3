"""codegen: typed analytics tracking SDKs from one versioned event model."""

__version__ = "0.1.0"
