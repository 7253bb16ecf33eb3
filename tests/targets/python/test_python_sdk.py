"""The generated Python SDK as users get it.

For the bundled model (built with the real CLI) and the conformance models
(kitchen sink: every type and const; hostile: keywords, runtime names and
text that tries to break out of docstrings and literals):
- layout, pyproject, the generated-file marker, and a wheel that builds;
- black-clean with the pinned black and an explicit Mode (never a user
  config), without black having run at build time;
- `mypy --strict` clean (the packages, and the bundled SDK's tests);
- the SDK's own rendered tests pass (samples, invalid cases, tracker,
  shared vectors) with no skips for the bundled model;
- tracker behaviour through the public API: policies, envelope auto values,
  transport failures, deprecation warnings once per event name.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import os
import re
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import black
import pytest

from codegen.loader import load_model
from codegen.sdk.contract import GENERATED_MARKER
from codegen.testplan import context_sample, plan
from targets.toolchain import plan_cases
from conftest import ROOT, SHARED_VECTORS, run_codegen
from targets.python.support import MODELS, SdkValues, build_sdk, import_sdk

BLACK_MODE = black.Mode(line_length=88, target_versions={black.TargetVersion.PY311})
PACKAGES = {"bundled": "broadcaster_analytics", "kitchen_sink": "kitchen_sink", "hostile": "hostile_sdk"}


@pytest.fixture(scope="module")
def sdks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Package roots: the bundled model through `codegen build`, the others
    through the target API."""
    out = tmp_path_factory.mktemp("python-sdk")
    result = run_codegen("--model", str(MODELS["bundled"]), "build", "--target", "python",
                         "--out", str(out / "generated"))
    assert result.returncode == 0, result.stdout + result.stderr
    roots = {"bundled": out / "generated" / "python"}
    for name in ("kitchen_sink", "hostile"):
        roots[name] = build_sdk(load_model(MODELS[name]), out / name)
    return roots


@pytest.fixture(scope="module")
def sdk(sdks: dict[str, Path]) -> ModuleType:
    return import_sdk(sdks["bundled"], PACKAGES["bundled"])


def test_layout_and_markers(sdks: dict[str, Path]) -> None:
    root = sdks["bundled"]
    model = load_model(MODELS["bundled"])
    pkg = root / "broadcaster_analytics"
    for rel in ("__init__.py", "py.typed", "enums.py", "objects.py", "context.py", "tracker.py",
                "events/__init__.py", "_runtime/__init__.py", "_runtime/codec.py"):
        assert (pkg / rel).is_file(), rel
    assert sorted(p.stem for p in (pkg / "events").glob("*.py") if p.stem != "__init__") == sorted(
        e.name for e in model.events)
    pyproject = (root / "pyproject.toml").read_text()
    assert 'name = "broadcaster-analytics"' in pyproject and 'version = "1.0.0"' in pyproject
    assert "dependencies = []" in pyproject
    for path in root.rglob("*"):
        if path.is_file():
            assert GENERATED_MARKER.encode() in path.read_bytes()[:512], path
    runtime = ROOT / "codegen" / "templates" / "python" / "runtime"
    for source in runtime.glob("*.py"):
        copied = (pkg / "_runtime" / source.name).read_text()
        assert copied == f"# {GENERATED_MARKER}\n" + source.read_text(), "copied with the header"


def test_builds_an_installable_wheel(sdks: dict[str, Path], tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(sdks["bundled"], source)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "-q", "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    assert wheel.name == "broadcaster_analytics-1.0.0-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    assert "broadcaster_analytics/py.typed" in names and "broadcaster_analytics/_runtime/codec.py" in names
    assert not any(n.startswith("tests/") for n in names)


def test_black_clean(sdks: dict[str, Path]) -> None:
    pinned = re.search(r"^black==(\S+)$", (ROOT / "requirements-dev.txt").read_text(), re.M)
    assert pinned and black.__version__ == pinned.group(1), "the black of the venv is the pinned one"
    paths = [p for p in sorted(sdks["bundled"].rglob("*.py"))]
    for name in ("kitchen_sink", "hostile"):  # their _runtime/ is the bundled one's
        paths += [p for p in sorted(sdks[name].rglob("*.py")) if "_runtime" not in p.parts]
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        unchanged = list(pool.map(_black_unchanged, paths, chunksize=8))
    assert [str(p) for p, ok in zip(paths, unchanged) if not ok] == []


def _black_unchanged(path: Path) -> bool:
    source = path.read_text(encoding="utf-8")
    return black.format_str(source, mode=BLACK_MODE) == source


def test_mypy_strict(sdks: dict[str, Path], tmp_path: Path) -> None:
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\n")
    env = {**os.environ, "MYPYPATH": os.pathsep.join(str(r) for r in sdks.values())}
    packages = [str(root / PACKAGES[name]) for name, root in sdks.items()]
    tests = sorted(str(p) for p in (sdks["bundled"] / "tests").glob("*.py"))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", str(config),
         "--cache-dir", str(tmp_path / "cache"), *packages, *tests],
        env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def _run_tests(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root), "CODEGEN_VECTORS": str(SHARED_VECTORS)}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=600)


def test_generated_tests_pass(sdks: dict[str, Path]) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        results = dict(zip(sdks, pool.map(_run_tests, sdks.values())))
    for name, result in results.items():
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"{name}:\n{output[-6000:]}"
        assert " passed" in output and " failed" not in output, output
    bundled = results["bundled"].stdout
    assert "skipped" not in bundled, bundled
    count = plan_cases(load_model(MODELS["bundled"]))
    assert int(re.search(r"(\d+) passed", bundled).group(1)) > count  # type: ignore[union-attr]


# --- the tracker through the public API ----------------------------------------


def _tracker(sdk: ModuleType, policy: Any = None, errors: list[Any] | None = None,
             transport: Any = None, context: Any = None) -> tuple[Any, Any]:
    model = load_model(MODELS["bundled"])
    transport = transport if transport is not None else sdk.InMemoryTransport()
    context = context if context is not None else SdkValues(model, sdk).context(context_sample(model))
    tracker = sdk.Tracker(transport, context, policy or sdk.Policy.THROW,
                          errors.append if errors is not None else None,
                          clock=lambda: sdk.Timestamp(1_700_000_000, 0), id_generator=lambda: "fixed-id")
    tracker.consent = sdk.ALL_PURPOSES
    return tracker, transport


def _event(sdk: ModuleType, name: str = "search", **overrides: Any) -> Any:
    model = load_model(MODELS["bundled"])
    sample = next(s for s in plan(model).samples if s.name == f"{name}_full")
    return dataclasses.replace(SdkValues(model, sdk).event(name, sample.values), **overrides)


def test_tracker_envelope_auto_values(sdk: ModuleType) -> None:
    tracker, transport = _tracker(sdk)
    assert tracker.track(_event(sdk))
    sent = transport.events[0]
    assert (sent.event_name, sent.event_id) == ("search", "fixed-id")
    assert '"sdk_name":"broadcaster_analytics"' in sent.json and '"model_version":"1.0.0"' in sent.json
    assert '"client_timestamp":"2023-11-14T22:13:20Z"' in sent.json and '"event_id":"fixed-id"' in sent.json
    assert sent.json.startswith('{"context":{') and ',"search":{' in sent.json


def test_tracker_policies(sdk: ModuleType) -> None:
    bad = _event(sdk, query="")
    tracker, transport = _tracker(sdk)
    with pytest.raises(sdk.ValidationError) as raised:
        tracker.track(bad)
    assert [(i.path, i.constraint) for i in raised.value.issues] == [("query", "min_length")]
    assert str(raised.value) == "invalid event search: query: has 0 characters, fewer than 1 (min_length)"
    assert transport.events == []
    for policy, sent in ((sdk.Policy.DROP, 0), (sdk.Policy.SEND, 1)):
        errors: list[Any] = []
        tracker, transport = _tracker(sdk, policy, errors)
        assert tracker.track(bad) is bool(sent)
        assert len(transport.events) == sent and len(errors) == 1
        assert isinstance(errors[0], sdk.ValidationError)


def test_tracker_checks_the_context(sdk: ModuleType) -> None:
    model = load_model(MODELS["bundled"])
    context = SdkValues(model, sdk).context({**context_sample(model), "app_name": ""})
    errors: list[Any] = []
    tracker, transport = _tracker(sdk, sdk.Policy.DROP, errors, context=context)
    assert not tracker.track(_event(sdk))
    assert [(i.path, i.constraint) for i in errors[0].issues] == [("context.app_name", "min_length")]


def test_transport_and_handler_failures_never_raise(sdk: ModuleType) -> None:
    class Broken:
        def send(self, event: Any) -> None:
            raise RuntimeError("down")

    def failing_handler(error: Any) -> None:
        raise ValueError("handler bug")

    tracker, _ = _tracker(sdk, transport=Broken())
    tracker.on_error = failing_handler
    assert tracker.track(_event(sdk)) is False


def test_deprecation_warns_once_per_event_name(sdk: ModuleType) -> None:
    tracker, transport = _tracker(sdk)
    event = _event(sdk, "article_read")
    assert event.font_scale is not None  # deprecated property, set
    with pytest.warns(DeprecationWarning, match="article_read.font_scale is deprecated"):
        tracker.track(event)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tracker.track(event)  # no second warning
        assert tracker.track(dataclasses.replace(event, font_scale=None))
    assert len(transport.events) == 3


def test_public_api(sdk: ModuleType) -> None:
    assert sdk.MODEL_VERSION == "1.0.0" and len(sdk.EVENTS) == 13
    assert sdk.SDK_INFO == sdk.SdkInfo("broadcaster_analytics", "1.0.0", "1.0.0")
    assert set(sdk.__all__) >= {"Tracker", "TrackingContext", "InMemoryTransport", "Policy", "Timestamp", "ArticleRead"}
    kind = sdk.ContentKind("live_stream")
    assert (kind, kind.number, kind.json_name) == (sdk.ContentKind.LIVE_STREAM, 3, "CONTENT_KIND_LIVE_STREAM")
    heartbeat = _event(sdk, "video_heartbeat")
    assert heartbeat.heartbeat_interval_s == 30  # a const, filled in by the SDK
    with pytest.raises(TypeError):
        sdk.VideoHeartbeat(heartbeat_interval_s=5)  # not a parameter
    with pytest.raises(dataclasses.FrozenInstanceError):
        heartbeat.playback_id = "x"
    doc = " ".join((sdk.ArticleRead.__doc__ or "").split())
    assert "The user read an article" in doc and "Owner: news-analytics@broadcaster.example" in doc
