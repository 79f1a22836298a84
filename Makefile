# The course's commands. A fresh machine needs only Python 3.11+ (and Chromium for the
# browser tests): every target makes the virtualenv it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider

.PHONY: help venv site serve test test-fast lint zip bench lms clean

help:
	@echo "make serve   build the course and serve it on http://127.0.0.1:8000/"
	@echo "make test    run every test: unit, CPython notebooks, built site, real browser"
	@echo "make site    build the site into build/site"
	@echo "make zip     build the offline bundle build/mfml-course.zip"
	@echo "make bench   measure load times and bytes against stock JupyterLite"
	@echo "make lms SITE_URL=https://...  SCORM packages and a Common Cartridge in build/lms"
	@echo "make lint    ruff (code) and codespell (code and prose)"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

venv: $(STAMP)

site: venv
	$(BIN)/python scripts/build_site.py

# Precompressed brotli/gzip copies (build/compressed, cached between builds), then the server.
serve: site
	$(BIN)/python scripts/compress.py
	$(BIN)/python scripts/serve.py --no-browser

zip: site
	$(BIN)/python scripts/make_zip.py

# Unit tests and CPython notebooks in parallel (2 cores), then the built site and the browser
# (served with the brotli/gzip store, as `make serve` does).
test: lint zip
	$(BIN)/python scripts/compress.py
	$(PYTEST) -q -n 2 tests/unit tests/notebooks
	$(PYTEST) -q tests/site
	$(PYTEST) -q -n 2 -rxX --durations=15 tests/browser

test-fast: venv
	$(PYTEST) -q -n 2 tests/unit

lint: venv
	$(BIN)/ruff check src scripts tests
	$(BIN)/ruff format --check src scripts tests
	$(BIN)/codespell content labs exercises docs src scripts tests README.md course.yml

# SCORM 1.2/2004 packages (per week, the capstone, the course) and an IMS Common Cartridge
# that embed the hosted course (docs/embedding.md, "Reporting to your gradebook").
lms:
	@test -n "$(SITE_URL)" || { $(PYTHON) scripts/lms.py; exit 2; }
	$(MAKE) site
	$(BIN)/python scripts/lms.py --site-url "$(SITE_URL)"

# Several minutes: cold, warm and throttled visits, course against stock JupyterLite.
bench: site
	$(BIN)/python scripts/compress.py
	$(BIN)/python scripts/bench.py

clean:
	rm -rf build/site build/lite build/wheels build/mfml-src build/bank-json
