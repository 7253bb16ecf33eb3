// A Swift app of the probe model's package, unpacked from its source
// archive and built by SwiftPM: tracks one event, prints the JSON.
import ReleaseProbe

let transport = InMemoryTransport()
let tracker = Tracker(
    transport: transport,
    context: TrackingContext(product: .shop, platform: .web, appVersion: "1.2.3", screen: Screen(width: 1280, height: 800)),
    clock: { Timestamp(seconds: 1_700_000_000) },
    idGenerator: { "00000000-0000-4000-8000-000000000001" })
guard try tracker.track(ItemAdded(itemId: "sku-1", quantity: 3, priceCents: 1999)) else {
    fatalError("the transport did not take the event")
}
print(transport.events[0].json)
