// A Java app of the probe model's Kotlin SDK, resolved by Maven from the
// file repository it was deployed to: tracks one event, prints the JSON.
import kotlin.Unit;
import org.probe.release.InMemoryTransport;
import org.probe.release.ItemAdded;
import org.probe.release.Platform;
import org.probe.release.Policy;
import org.probe.release.Product;
import org.probe.release.Screen;
import org.probe.release.Timestamp;
import org.probe.release.Tracker;
import org.probe.release.TrackingContext;

public final class Consumer {
    private Consumer() {}

    public static void main(String[] args) {
        TrackingContext context = new TrackingContext.Builder().product(Product.SHOP).platform(Platform.WEB)
                .appVersion("1.2.3").screen(new Screen.Builder().width(1280).height(800).build()).build();
        InMemoryTransport transport = new InMemoryTransport();
        Tracker tracker = new Tracker(transport, context, Policy.THROW, error -> Unit.INSTANCE,
                warning -> Unit.INSTANCE, () -> new Timestamp(1700000000L), () -> "00000000-0000-4000-8000-000000000001");
        if (!tracker.track(new ItemAdded.Builder().itemId("sku-1").quantity(3).priceCents(1999L).build())) {
            throw new AssertionError("the transport did not take the event");
        }
        System.out.println(transport.getEvents().get(0).getJson());
    }
}
