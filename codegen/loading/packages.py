"""Package and module names that a model sets under `targets:`.

A generated SDK named like a module of its language's standard library
shadows it, or is refused by the compiler, so such a name is a model error
(at the setting, with a hint) rather than an SDK that fails to build or
breaks the imports of the app that uses it. Every part of a setting (split
at `.` and `/`) becomes a folder or file name, so each is also held to the
file-name limit. tests/test_package_names.py checks these lists against the
real toolchains: the JDK's own packages, the Kotlin standard library's, the
Swift toolchain's modules, Node's built-in modules.
"""

from __future__ import annotations

import re
import sys

from codegen.diagnostics import Collector
from codegen.ir import Location
from codegen.loading.file_names import too_long

PYTHON_STDLIB = frozenset(sys.stdlib_module_names)

# Namespaces that the JVM, the JDK, Kotlin and Android own: the JVM refuses
# classes in `java.*`, kotlinc anything in `kotlin.*` but the standard
# library, javac and kotlinc a package that a JDK module already contains.
KOTLIN_OWNED = (
    "android", "com.sun", "dalvik", "java", "javax", "jdk", "kotlin", "netscape.javascript",
    "org.ietf.jgss", "org.jcp.xml.dsig.internal", "org.w3c.dom", "org.xml.sax", "sun",
)

# Modules of the Swift toolchain (standard library, core libraries, C
# library overlays) on every platform, and the Apple frameworks apps import
# most. Compared ignoring case: on a case-insensitive file system the
# package's `foundation.swiftmodule` would be found for `import Foundation`.
SWIFT_MODULES = frozenset(name.lower() for name in """
    Swift SwiftOnoneSupport SwiftShims SwiftOverlayShims SwiftGlibc _Concurrency _StringProcessing
    _RegexParser _Differentiation _Backtracing _Builtin_float _SwiftConcurrencyShims _SynchronizationShims
    Cxx CxxStdlib CxxShim CxxStdlibShim std cassert cstdlib compat Distributed Observation RegexBuilder
    Synchronization Foundation FoundationEssentials FoundationInternationalization FoundationNetworking
    FoundationXML _FoundationCollections _FoundationCShims _FoundationICU _foundation_unicode CoreFoundation
    CUUID Dispatch CDispatch DispatchIntrospection XCTest Testing PackageDescription PackagePlugin
    CompilerPluginSupport _InternalStaticMirror _InternalSwiftScan _InternalSwiftStaticMirror
    Glibc Musl Bionic Android WASILibc wasi_pthread WinSDK CRT ucrt visualc
    Darwin ObjectiveC os OSLog Combine SwiftUI SwiftData UIKit AppKit WatchKit TVUIKit Accelerate
    AVFoundation AVKit CoreData CoreGraphics CoreImage CoreLocation CoreML CoreMedia CoreMotion CoreText
    CoreVideo CoreAudio CoreBluetooth CoreServices CryptoKit ImageIO MapKit Metal MetalKit Network
    QuartzCore Security StoreKit SystemConfiguration UniformTypeIdentifiers UserNotifications WebKit
    WidgetKit
""".split())

# Node's built-in modules that an npm package name could equal (npm names
# never hold `/` outside a scope nor start with `_`): `import "events"`
# finds the built-in, never the package.
NODE_BUILTINS = frozenset("""
    assert async_hooks buffer child_process cluster console constants crypto dgram diagnostics_channel
    dns domain events fs http http2 https inspector module net os path perf_hooks process punycode
    querystring readline repl stream string_decoder sys timers tls trace_events tty url util v8 vm wasi
    worker_threads zlib
""".split())


def check_setting(target: str, setting: str, value: str, loc: Location, errors: Collector) -> None:
    parts = [part for part in re.split(r"[./]", value) if part]
    for part in parts:
        if too_long(part, loc, f"{target} {setting} part", errors,
                    becomes="a folder or file name"):
            return
    problem = _shadowing(target, setting, value)
    if problem:
        errors.error(loc, problem[0], problem[1])


def _shadowing(target: str, setting: str, value: str) -> tuple[str, str] | None:
    if target == "python" and setting == "package" and value in PYTHON_STDLIB:
        return (f"Python package '{value}' has the name of a module of Python's standard library, "
                "which it would shadow", f"pick another name, e.g. '{value}_analytics'")
    if target == "kotlin" and setting == "package":
        owner = next((ns for ns in KOTLIN_OWNED if value == ns or value.startswith(ns + ".")), None)
        if owner:
            return (f"Kotlin package '{value}' is inside '{owner}', which belongs to the JVM, the JDK, "
                    "Kotlin or Android", "use a package of your own organisation, e.g. 'com.example.analytics'")
    if target == "swift" and setting == "module" and value.lower() in SWIFT_MODULES:
        return (f"Swift module '{value}' has the name of a module of Swift's standard library or "
                "platforms, which it would shadow", f"pick another name, e.g. '{value}Analytics'")
    if target == "javascript" and setting == "package" and value.removeprefix("node:").lower() in NODE_BUILTINS:
        return (f"npm package '{value}' has the name of a Node.js built-in module: imports of it would "
                "find the built-in", f"pick another name, or a scoped one such as '@example/{value}'")
    return None
