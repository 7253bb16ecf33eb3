"""What the model says about the packages built from it (in `model:`):
`license` (an SPDX expression), `authors` and `urls`. Every target writes
them into its package metadata (pyproject.toml, package.json, pom.xml)."""

from __future__ import annotations

import re

from codegen.diagnostics import Collector
from codegen.loading.reader import MapReader

URL_KINDS = ("homepage", "repository", "documentation", "issues", "changelog")
_SPDX_ID = r"[A-Za-z0-9][A-Za-z0-9.+-]*"
SPDX = re.compile(rf"^\(*{_SPDX_ID}\)*(\s+(AND|OR|WITH)\s+\(*{_SPDX_ID}\)*)*$")
URL = re.compile(r"^https?://[^\s\"<>\\^`{|}]+$")
AUTHOR = re.compile(r"^[^<>\n]*[^<>\s](\s+<[^<>\s@]+@[^<>\s@]+>)?$|^<[^<>\s@]+@[^<>\s@]+>$")


def read_package_metadata(header: MapReader, errors: Collector) -> tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(license, authors, urls sorted by kind) from the model section."""
    license_ = header.text("license", "Apache-2.0") or ""
    if license_ and (not SPDX.match(license_) or license_.count("(") != license_.count(")")):
        errors.error(header.value_loc("license"), f"license '{license_}' is not an SPDX license expression",
                     "write an SPDX identifier such as Apache-2.0 or MIT, or an expression like 'MIT OR Apache-2.0'")
        license_ = ""
    authors = []
    for item in header.text_list("authors") or []:
        text = str(item.value).strip()
        if AUTHOR.match(text):
            authors.append(text)
        else:
            errors.error(item.loc, f"author '{text}' of the model is not 'Name' or 'Name <address>'",
                         "write e.g. 'Analytics team <analytics@example.com>'")
    urls = []
    node = header.mapping("urls")
    if node is not None:
        reader = MapReader(node, "'urls' of the model", errors, URL_KINDS)
        for kind in URL_KINDS:
            value = reader.text(kind, "https://example.com/") if reader.has(kind) else None
            if value is None:
                continue
            if not URL.match(value):
                errors.error(reader.value_loc(kind), f"'{kind}' in 'urls' of the model is not an http(s) URL",
                             f"write it like '{kind}: https://example.com/analytics'")
                continue
            urls.append((kind, value))
    return license_, tuple(authors), tuple(urls)



