"""scripts/serve.py and scripts/compress.py on a tiny site: validation by content (ETag, 304),
the content coding chosen by Accept-Encoding, Vary, Cache-Control per kind of file, MIME types,
the throttle; and the bench's pure parts. A few seconds, no browser, no build."""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import shutil
import sys
import time
from pathlib import Path

import brotli
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402
import compress  # noqa: E402
import serve  # noqa: E402

NOTEBOOK = json.dumps({"cells": [{"source": "x = 1\n" * 400}], "nbformat": 4}).encode()
FILES = {
    "index.html": b"<!doctype html><title>course</title>" + b"<p>text</p>" * 300,
    "course.json": json.dumps({"chapters": ["a"] * 300}).encode(),
    "jupyter-lite.json": b'{"jupyter-config-data": {}}' + b" " * 2000,
    "files/chapters/part3/ch08-vectors.ipynb": NOTEBOOK,
    "build/1053.6c533be.js": b"console.log('chunk');\n" * 200,
    "build/bootstrap.js": b"console.log('bootstrap');\n" * 200,
    "extensions/bqplot/static/147.995621b367d712db6a42.js": b"var a = 1;\n" * 300,
    "static/pyodide/pyodide.asm.wasm": b"\0asm" + b"\1\2\3\4" * 2000,
    "static/pyodide/pyodide-lock.json": b'{"packages": {}}' + b" " * 3000,
    "static/pyodide/numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl": os.urandom(4000),
    "static/pyodide/tiny.js": b"1;",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    site = root / "site"
    for rel, data in FILES.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (1700000000, 1700000000))  # one fixed build time, as a real build
    compress.fill_store(site, root / "compressed")
    return site


@pytest.fixture(scope="module")
def server(site):
    httpd, url = serve.start_in_thread(site, compressed=site.parent / "compressed")
    yield httpd
    httpd.shutdown()


def get(server, path: str, headers: dict | None = None, method: str = "GET"):
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    conn.request(method, path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_etag_is_the_content_hash_and_if_none_match_gets_304(server, site):
    response, body = get(server, "/course.json")
    assert response.status == 200
    digest = compress.sha256_file(site / "course.json")
    assert response.getheader("ETag") == f'"{digest}"'
    assert response.getheader("Last-Modified") is None  # never validated by date
    again, body = get(server, "/course.json", {"If-None-Match": response.getheader("ETag")})
    assert again.status == 304 and body == b""
    assert again.getheader("ETag") == response.getheader("ETag")
    other, _ = get(server, "/course.json", {"If-None-Match": '"0123abcd"'})
    assert other.status == 200


def test_a_changed_file_with_the_same_size_and_date_is_sent_again(server, site):
    path = site / "files/chapters/part3/ch08-vectors.ipynb"
    first, body = get(server, "/files/chapters/part3/ch08-vectors.ipynb", {"Accept-Encoding": "br"})
    assert first.getheader("Content-Encoding") == "br"
    assert brotli.decompress(body) == NOTEBOOK
    changed = NOTEBOOK.replace(b"x = 1", b"x = 2")
    assert len(changed) == len(NOTEBOOK)
    path.write_bytes(changed)
    os.utime(path, (1700000000, 1700000000))  # same size, same fixed date
    try:
        headers = {"If-None-Match": first.getheader("ETag"), "Accept-Encoding": "br, gzip"}
        second, body = get(server, "/files/chapters/part3/ch08-vectors.ipynb", headers)
        assert second.status == 200, "a changed file must not be answered 304"
        # no compressed copy of the new bytes exists: they go as they are, never the stale copy
        assert second.getheader("Content-Encoding") is None
        assert body == changed
        assert second.getheader("ETag") != first.getheader("ETag")
    finally:
        path.write_bytes(NOTEBOOK)
        os.utime(path, (1700000000, 1700000000))


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("identity", None),
        (None, None),
        ("*", "br"),
    ],
)
def test_the_encoding_follows_accept_encoding(server, accept, expected):
    headers = {"Accept-Encoding": accept} if accept else {}
    response, body = get(server, "/static/pyodide/pyodide.asm.wasm", headers)
    assert response.status == 200
    assert response.getheader("Content-Encoding") == expected
    assert response.getheader("Vary") == "Accept-Encoding"
    assert response.getheader("Content-Type") == "application/wasm"
    decode = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda b: b}[expected]
    assert decode(body) == FILES["static/pyodide/pyodide.asm.wasm"]
    assert int(response.getheader("Content-Length")) == len(body)
    if expected:  # each representation its own strong ETag; all revalidate the same bytes
        assert response.getheader("ETag").endswith(f'-{expected}"')
        etag = response.getheader("ETag")
        again, _ = get(
            server, "/static/pyodide/pyodide.asm.wasm", {**headers, "If-None-Match": etag}
        )
        assert again.status == 304


def test_only_files_that_shrink_are_compressed(server):
    for path in (
        "/static/pyodide/numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl",
        "/static/pyodide/tiny.js",
    ):  # random bytes; 2 bytes
        response, _ = get(server, path, {"Accept-Encoding": "br, gzip"})
        assert response.status == 200
        assert response.getheader("Content-Encoding") is None, path


@pytest.mark.parametrize(
    "path, policy",
    [
        ("/build/1053.6c533be.js", serve.IMMUTABLE),
        ("/extensions/bqplot/static/147.995621b367d712db6a42.js", serve.IMMUTABLE),
        ("/build/bootstrap.js", "no-cache"),
        ("/index.html", "no-cache"),
        ("/", "no-cache"),
        ("/course.json", "no-cache"),
        ("/jupyter-lite.json", "no-cache"),
        ("/files/chapters/part3/ch08-vectors.ipynb", "no-cache"),
        ("/static/pyodide/pyodide-lock.json", "no-cache"),
        ("/static/pyodide/pyodide.asm.wasm", "no-cache"),
    ],
)
def test_cache_control_per_kind_of_file(server, path, policy):
    response, _ = get(server, path, method="HEAD")
    assert response.status == 200
    assert response.getheader("Cache-Control") == policy
    assert response.getheader("ETag")


def test_mime_types_and_a_missing_file(server):
    response, _ = get(server, "/index.html")
    assert response.getheader("Content-Type").startswith("text/html")
    response, _ = get(server, "/files/chapters/part3/ch08-vectors.ipynb")
    assert response.getheader("Content-Type") == "application/json"
    response, _ = get(server, "/no/such/file.js")
    assert response.status == 404
    response, _ = get(server, "/files")
    assert response.status == 301  # the folder's slash form, as before


def test_isolation_headers_only_with_isolate(site):
    for isolation in (False, True):
        httpd, _ = serve.start_in_thread(site, isolation=isolation)
        try:
            response, _ = get(httpd, "/index.html")
        finally:
            httpd.shutdown()
        for name, value in serve.ISOLATION_HEADERS.items():
            assert response.getheader(name) == (value if isolation else None)


def test_without_a_store_files_go_as_they_are(site):
    httpd, _ = serve.start_in_thread(site)  # the offline zip: no compressed copies
    try:
        response, body = get(httpd, "/course.json", {"Accept-Encoding": "br, gzip"})
    finally:
        httpd.shutdown()
    assert response.getheader("Content-Encoding") is None
    assert body == FILES["course.json"]
    assert httpd.stats.bytes == len(body) and httpd.stats.responses == 1


def test_accept_encoding_parsing():
    assert serve.accepted_encodings("gzip, deflate, br") == {"br", "gzip"}
    assert serve.accepted_encodings("br;q=0.0, gzip;q=0.5") == {"gzip"}
    assert serve.accepted_encodings("*;q=0") == set()
    assert serve.accepted_encodings("") == set()


def test_throttle_rate_and_latency():
    throttle = serve.parse_throttle("20mbit,40ms")
    assert throttle.rate == pytest.approx(2.5e6)  # bytes per second
    assert throttle.latency == pytest.approx(0.040)
    # a link booked back to back: 10 MB take 4 s, whoever sends them
    now = 100.0
    waits = [throttle.reserve(1_000_000, now) for _ in range(10)]
    assert waits[-1] == pytest.approx(4.0 - throttle.burst / throttle.rate)
    assert waits == sorted(waits)
    # after an idle moment, only the burst goes out at once
    assert throttle.reserve(1000, now + 100) == 0.0
    with pytest.raises(argparse.ArgumentTypeError):
        serve.parse_throttle("fast")


def test_throttled_server_keeps_the_rate(site):
    throttle = serve.parse_throttle("1mbit,40ms")  # 125 kB/s
    httpd, _ = serve.start_in_thread(site, throttle=throttle)
    try:
        start = time.monotonic()
        response, body = get(httpd, "/static/pyodide/pyodide.asm.wasm")
        elapsed = time.monotonic() - start
    finally:
        httpd.shutdown()
    expected = 0.040 + (len(body) - throttle.burst) / throttle.rate  # 8 kB: about 0.04 s
    assert len(body) == 8004
    assert expected - 0.01 <= elapsed <= expected + 1.0


def test_bench_report_has_every_key_for_both_sites():
    def visit(scale):
        return {key: 1000.0 * scale for key in bench.KEYS}

    rounds = [
        {
            "course": {s: visit(1) for s in bench.SCENARIOS},
            "stock": {s: visit(2) for s in bench.SCENARIOS},
        },
        {
            "course": {s: visit(3) for s in bench.SCENARIOS},
            "stock": {s: visit(2) for s in bench.SCENARIOS},
        },
    ]
    rounds[1]["stock"]["cold"]["lab_figure_ms"] = None  # stock has no widget front end
    report = bench.summarize(rounds, zip_bytes=30e6)
    for site in ("course", "stock"):
        for scenario in bench.SCENARIOS:
            assert set(report[site][scenario]) == set(bench.KEYS)
    assert report["course"]["cold"]["first_numpy_output_ms"] == 2000.0  # median of 1000, 3000
    assert report["stock"]["cold"]["lab_figure_ms"] == 2000.0  # the one measured value
    assert report["ratios"]["cold"]["first_numpy_output_ms"] == pytest.approx(1.0)
    names = {g["goal"] for g in report["goals"]}
    assert len(names) == 6
    warm = next(g for g in report["goals"] if g["goal"].startswith("warm"))
    assert warm["value"] == pytest.approx(2000 / 2000)
    text = bench.table(report)
    assert "first_content_ms" in text and "throttled" in text


def test_compress_beside_writes_copies_for_a_static_host(site, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    count = compress.write_beside(copy, site.parent / "compressed")
    wasm = copy / "static/pyodide/pyodide.asm.wasm"
    assert brotli.decompress(wasm.with_name(wasm.name + ".br").read_bytes()) == wasm.read_bytes()
    assert gzip.decompress(wasm.with_name(wasm.name + ".gz").read_bytes()) == wasm.read_bytes()
    assert not (copy / "static/pyodide/tiny.js.br").exists()  # too small to gain
    assert count >= 2 * 6
