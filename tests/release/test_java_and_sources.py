"""Java callers of the Kotlin SDK, and what a source's SDK lets apps write.

The bundled model's Kotlin SDK is built by Maven (offline) and a Java 8
program (`javac --release 8 -Xlint:all -Werror`) builds a context with a
screen and a video event full of unsigned values through the Builders,
tracks it and prints the envelope, which must equal the reference's.

A source's SDK holds only its events, with product and platform fixed: an
app of the probe model's `shop-web` source compiles against its jar and its
npm package, and the same app naming the Android-only event, or passing the
fixed product, does not compile (javac and tsc say why)."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from codegen.loader import load_model
from codegen.reference import reference_for
from codegen.reference.values import TimestampValue
from codegen.targets.kotlin import VERSIONS
from conftest import MODEL_DIR, ROOT
from release.conftest import Packaged, codegen, run

JAVA = Path(__file__).parent / "java"
STDLIB = (Path.home() / ".m2" / "repository" / "org" / "jetbrains" / "kotlin" / "kotlin-stdlib" / VERSIONS["kotlin"]
          / f"kotlin-stdlib-{VERSIONS['kotlin']}.jar")
TSC = ROOT / "tools" / "javascript" / "node_modules" / ".bin" / "tsc"


def javac(sources: Path, classpath: list[Path], out: Path) -> subprocess.CompletedProcess[str]:
    out.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["javac", "--release", "8", "-Xlint:all", "-Werror", "-cp",
                           ":".join(map(str, classpath)), "-d", str(out), *map(str, sorted(sources.glob("*.java")))],
                          capture_output=True, text=True, timeout=300)


# The id is central's: the local repository then serves what it fetched from there.
BLOCKED = """<settings><mirrors><mirror><id>central</id><mirrorOf>*</mirrorOf>
<url>http://127.0.0.1:9/</url></mirror></mirrors></settings>
"""


@pytest.fixture(scope="module")
def bundled_jar(toolchains: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled model's Kotlin SDK through Maven's release goals, offline
    (what scripts/setup-kotlin.sh fetched is all they load): install (jar and
    sources jar), source:jar, and deploy to a file repository with every
    remote repository mirrored to a closed port (the deploy plugin refuses
    -o, so this proves it downloads nothing)."""
    out = tmp_path_factory.mktemp("bundled-kotlin")
    result = codegen("build", MODEL_DIR, "--target", "kotlin", "--out", out, "--quiet")
    assert result.returncode == 0, result.stderr
    sdk = out / "kotlin"
    maven = ["mvn", "-q", "-B", "-Dstyle.color=never", "-Dmaven.test.skip=true"]
    installed = Path.home() / ".m2" / "repository" / "org" / "broadcaster" / "analytics"
    try:
        run([*maven, "-o", "install"], sdk, timeout=900)  # the jar and, bound in the POM, its sources jar
        run([*maven, "-o", "source:jar"], sdk, timeout=900)
        (out / "blocked.xml").write_text(BLOCKED, encoding="utf-8")
        run([*maven, "-s", out / "blocked.xml", "deploy", f"-DaltDeploymentRepository=local::{(out / 'repo').as_uri()}"],
            sdk, timeout=900)
    finally:
        shutil.rmtree(installed, ignore_errors=True)
    deployed = sorted(p.name for p in (out / "repo").rglob("analytics-1.0.0*") if p.suffix in (".jar", ".pom"))
    assert deployed == ["analytics-1.0.0-sources.jar", "analytics-1.0.0.jar", "analytics-1.0.0.pom"]
    (jar,) = (sdk / "target").glob("analytics-*[0-9].jar")
    return jar


def test_java_8_builds_and_tracks_events_with_unsigned_values(bundled_jar: Path, tmp_path: Path) -> None:
    compiled = javac(JAVA, [bundled_jar, STDLIB], tmp_path / "classes")
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    printed = run(["java", "-cp", f"{tmp_path / 'classes'}:{bundled_jar}:{STDLIB}", "JavaCaller"], tmp_path)
    envelope, missing = printed.strip().splitlines()
    model = load_model(MODEL_DIR)
    context = {"product": "streaming", "platform": "android", "app_name": "Player", "app_version": "4.2.0",
               "device": {"manufacturer": "Acme", "screen": {"width": 1920, "height": 1080, "pixel_ratio": 2.0}}}
    event = {"playback_id": "0123456789abcdef0123456789abcdef",
             "position": {"offset_ms": 2**64 - 1, "duration_ms": 3_600_000},
             "bitrate_kbps": 4_000_000_000, "dropped_frames": 7, "buffer_health_s": [1.5, 2.0]}
    auto = {"event_id": "6f1c2d3e-0000-4000-8000-000000000001", "client_timestamp": TimestampValue(1_700_000_000, 5000),
            "model_version": model.version, "sdk_name": "org.broadcaster.analytics", "sdk_version": model.version,
            "consent": tuple(p.name for p in model.purposes)}
    assert envelope == reference_for(model).envelope("video_heartbeat", event, context, auto).json
    assert missing == "Screen.height is required"


SOURCE_APP = """import org.probe.release.web.InMemoryTransport;
import org.probe.release.web.ItemAdded;
import org.probe.release.web.Tracker;
import org.probe.release.web.TrackingContext;

public final class SourceApp {{
    private SourceApp() {{}}

    public static void main(String[] args) {{
        TrackingContext context = new TrackingContext.Builder(){context}.appVersion("1.2.3").build();
        Tracker tracker = new Tracker(new InMemoryTransport(), context);
        tracker.track(new ItemAdded.Builder().itemId("sku-1").quantity(3).build());
        {extra}
    }}
}}
"""


def _java_app(folder: Path, context: str = "", extra: str = "") -> Path:
    folder.mkdir(parents=True)
    (folder / "SourceApp.java").write_text(SOURCE_APP.format(context=context, extra=extra), encoding="utf-8")
    return folder


def test_a_sources_jar_has_only_its_events_and_fixes_product_and_platform(packaged: Packaged, tmp_path: Path) -> None:
    jar = next(p for p in packaged.files("kotlin", "shop-web") if p.name == "shop-web-1.0.0.jar")
    good = javac(_java_app(tmp_path / "good"), [jar, STDLIB], tmp_path / "good-classes")
    assert good.returncode == 0, good.stdout + good.stderr
    run(["java", "-cp", f"{tmp_path / 'good-classes'}:{jar}:{STDLIB}", "SourceApp"], tmp_path)
    android_only = javac(_java_app(tmp_path / "android", extra="new org.probe.release.web.AppOpened();"),
                         [jar, STDLIB], tmp_path / "android-classes")
    assert android_only.returncode == 1 and "cannot find symbol" in android_only.stderr
    assert "class AppOpened" in android_only.stderr, android_only.stderr
    fixed = javac(_java_app(tmp_path / "fixed", context=".product(null)"), [jar, STDLIB], tmp_path / "fixed-classes")
    assert fixed.returncode == 1 and "method product" in fixed.stderr, fixed.stderr


TS_APP = """import {{ InMemoryTransport, ItemAdded, Tracker{imports} }} from "@probe/shop-web";

const transport = new InMemoryTransport();
const tracker = new Tracker({{ transport, context: {{ appVersion: "1.2.3"{context} }} }});
tracker.track(new ItemAdded({{ itemId: "sku-1", quantity: 3 }}));
"""


def _tsc(app: Path, imports: str = "", context: str = "") -> subprocess.CompletedProcess[str]:
    (app / "app.ts").write_text(TS_APP.format(imports=imports, context=context), encoding="utf-8")
    return subprocess.run([str(TSC), "-p", "tsconfig.json"], cwd=app, capture_output=True, text=True, timeout=300)


def test_a_sources_npm_package_has_only_its_events(packaged: Packaged, tmp_path: Path) -> None:
    app = tmp_path / "app"
    installed = app / "node_modules" / "@probe" / "shop-web"
    installed.mkdir(parents=True)
    with tarfile.open(packaged.files("javascript", "shop-web")[0]) as tf:
        tf.extractall(tmp_path / "unpacked", filter="data")
    shutil.copytree(tmp_path / "unpacked" / "package", installed, dirs_exist_ok=True)
    (app / "package.json").write_text('{"name": "shop-web-app", "private": true, "type": "module"}\n')
    (app / "tsconfig.json").write_text('{"compilerOptions": {"strict": true, "module": "nodenext", '
                                       '"moduleResolution": "nodenext", "target": "es2022", "noEmit": true, '
                                       '"types": []}, "files": ["app.ts"]}\n')
    good = _tsc(app)
    assert good.returncode == 0, good.stdout + good.stderr
    android_only = _tsc(app, imports=", AppOpened")
    assert android_only.returncode != 0 and "has no exported member 'AppOpened'" in android_only.stdout, android_only.stdout
    fixed = _tsc(app, context=', product: "shop"')
    assert fixed.returncode != 0 and "'product' does not exist" in fixed.stdout, fixed.stdout
