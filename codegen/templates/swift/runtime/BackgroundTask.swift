// Runtime: flushing when the app goes to the background (docs/delivery.md,
// "Exit and background"), compiled only where UIKit or AppKit exist. On
// UIKit the flush runs inside a background task; elsewhere (Linux, command
// line tools) the app calls flush(timeout:) or close(timeout:) itself.

import Foundation
#if canImport(UIKit) && !os(watchOS)
import UIKit
#elseif canImport(AppKit)
import AppKit
#endif

extension HttpTransport {
    /// Observers that flush for at most `options.exitTimeout`; close()
    /// removes them.
    func observeBackground() -> [NSObjectProtocol] {
        #if canImport(UIKit) && !os(watchOS)
        let token = NotificationCenter.default.addObserver(
            forName: UIApplication.didEnterBackgroundNotification, object: nil, queue: .main
        ) { [weak self] note in
            // The notification's object is the app: no UIApplication.shared,
            // which app extensions cannot use.
            guard let self, let app = note.object as? UIApplication else { return }
            let task = BackgroundTask()
            task.identifier = app.beginBackgroundTask(withName: "delivery flush") { task.end(app) }
            let limit = self.options.exitTimeout
            DispatchQueue.global(qos: .utility).async {
                _ = self.flush(timeout: limit)
                DispatchQueue.main.async { task.end(app) }
            }
        }
        return [token]
        #elseif canImport(AppKit)
        let token = NotificationCenter.default.addObserver(
            forName: NSApplication.willResignActiveNotification, object: nil, queue: nil
        ) { [weak self] _ in
            guard let self else { return }
            let limit = self.options.exitTimeout
            DispatchQueue.global(qos: .utility).async { _ = self.flush(timeout: limit) }
        }
        return [token]
        #else
        return []
        #endif
    }
}

#if canImport(UIKit) && !os(watchOS)
/// A background task's identifier, ended once (on the main thread).
final class BackgroundTask: @unchecked Sendable {
    var identifier = UIBackgroundTaskIdentifier.invalid

    func end(_ app: UIApplication) {
        guard identifier != .invalid else { return }
        app.endBackgroundTask(identifier)
        identifier = .invalid
    }
}
#endif
