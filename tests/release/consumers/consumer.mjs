// An app of the probe model's npm package, installed from verdaccio by name
// and version: tracks one event with a fixed clock and id, prints the JSON.
import { InMemoryTransport, ItemAdded, Timestamp, Tracker } from "@probe/release-probe";

const transport = new InMemoryTransport();
const tracker = new Tracker({
  transport,
  context: { product: "shop", platform: "web", appVersion: "1.2.3", screen: { width: 1280, height: 800 } },
  clock: () => new Timestamp(1700000000, 0),
  idGenerator: () => "00000000-0000-4000-8000-000000000001",
});
if (!tracker.track(new ItemAdded({ itemId: "sku-1", quantity: 3, priceCents: 1999n }))) {
  throw new Error("the transport did not take the event");
}
console.log(transport.events[0].json);
