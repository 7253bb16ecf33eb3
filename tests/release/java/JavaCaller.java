// A Java 8 app of the bundled model's Kotlin SDK: every object with an
// unsigned field built through its Builder, trailing optional constructor
// parameters left out (@JvmOverloads), one event tracked through the real
// Tracker with a fixed clock and id, its envelope's JSON printed.
import java.util.Arrays;
import java.util.HashSet;

import kotlin.Unit;
import org.broadcaster.analytics.Device;
import org.broadcaster.analytics.InMemoryTransport;
import org.broadcaster.analytics.PlaybackPosition;
import org.broadcaster.analytics.Platform;
import org.broadcaster.analytics.Policy;
import org.broadcaster.analytics.Product;
import org.broadcaster.analytics.Purpose;
import org.broadcaster.analytics.PurposeKt;
import org.broadcaster.analytics.Screen;
import org.broadcaster.analytics.Timestamp;
import org.broadcaster.analytics.TrackedEvent;
import org.broadcaster.analytics.Tracker;
import org.broadcaster.analytics.TrackingContext;
import org.broadcaster.analytics.VideoHeartbeat;

public final class JavaCaller {
    private JavaCaller() {}

    public static void main(String[] args) {
        Screen screen = new Screen.Builder().width(1920).height(1080).pixelRatio(2.0f).build();
        Device device = new Device.Builder().manufacturer("Acme").screen(screen).build();
        TrackingContext context = new TrackingContext.Builder()
                .product(Product.STREAMING).platform(Platform.ANDROID)
                .appName("Player").appVersion("4.2.0").device(device)
                .build();
        InMemoryTransport transport = new InMemoryTransport();
        Tracker tracker = new Tracker(transport, context, Policy.THROW,
                error -> Unit.INSTANCE, warning -> Unit.INSTANCE,
                () -> new Timestamp(1700000000L, 5000), () -> "6f1c2d3e-0000-4000-8000-000000000001");
        // The consent property is a Kotlin extension: Java sets it through PurposeKt.
        PurposeKt.setConsent(tracker, new HashSet<>(Arrays.asList(Purpose.values())));
        // uint64 and uint32 take Java longs and ints, read as unsigned (no casts): -1L is 2^64 - 1.
        PlaybackPosition position = new PlaybackPosition.Builder().offsetMs(-1L).durationMs(3600000L).build();
        VideoHeartbeat heartbeat = new VideoHeartbeat.Builder()
                .playbackId("0123456789abcdef0123456789abcdef").position(position)
                .bitrateKbps(-294967296 /* 4000000000 as uint32 */).droppedFrames(7L).bufferHealthS(Arrays.asList(1.5f, 2.0f))
                .build();
        if (!tracker.track(heartbeat)) {
            throw new AssertionError("the transport did not take the event");
        }
        for (TrackedEvent event : transport.getEvents()) {
            System.out.println(event.getJson());
        }
        try {
            new Screen.Builder().width(1).build();
            throw new AssertionError("a Builder without a required value built");
        } catch (IllegalStateException expected) {
            System.out.println(expected.getMessage());
        }
    }
}
