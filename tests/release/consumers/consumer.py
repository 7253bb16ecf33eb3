"""An app of the probe model's Python SDK, installed from the PyPI server:
tracks one event with a fixed clock and id and prints its envelope's JSON."""

from release_probe import TrackingContext, InMemoryTransport, ItemAdded, Platform, Product, Screen, Timestamp, Tracker

transport = InMemoryTransport()
context = TrackingContext(product=Product.SHOP, platform=Platform.WEB, app_version="1.2.3",
                  screen=Screen(width=1280, height=800))
tracker = Tracker(transport, context, clock=lambda: Timestamp(1700000000, 0),
                  id_generator=lambda: "00000000-0000-4000-8000-000000000001")
assert tracker.track(ItemAdded(item_id="sku-1", quantity=3, price_cents=1999))
print(transport.events[0].json)
