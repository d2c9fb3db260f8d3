# Two entry points (README "Quick start"): `make demo` and `make test`.
# Both create .venv on first use and install the package with pinned dependencies.
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint bench model clean browser fuzz

setup: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt requirements/ner.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements/constraints.txt -e '.[dev]'
	$(BIN)/pip install -q --no-deps -r requirements/ner.txt
	touch $(STAMP)

demo: setup
	$(BIN)/cybertrack demo

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: lint browser
	$(BIN)/pytest

# The browser tests (tests/test_web_browser.py) drive Debian's Chromium with Playwright (a dev
# dependency). Install it when running as root and it is missing; never fail the build: without
# it those tests skip with the reason.
browser:
	@command -v chromium >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	  >/dev/null 2>&1 || echo "note: could not install chromium; the browser tests will skip"

# The reader fuzzers with 50x the examples CI runs (tests/test_fuzz_readers.py), still
# reproducible; FUZZ_SCALE=200 for longer, CYBERTRACK_FUZZ_SEED=1 for new random inputs each run.
FUZZ_SCALE ?= 50
fuzz: setup
	CYBERTRACK_FUZZ_SCALE=$(FUZZ_SCALE) $(BIN)/pytest tests/test_fuzz_readers.py

bench: setup
	$(BIN)/python bench/ingest_speed.py
	$(BIN)/python bench/reference_speed.py
	$(BIN)/python bench/extract_speed.py

# The learned role model (src/cybertrack/extract/data/roles.json), rebuilt from ../shared/data/casie
# deterministically; `--evaluate` also prints the ablation on the held-out fifth.
model: setup
	$(BIN)/python -m cybertrack.models.train_roles --evaluate

clean:
	rm -rf $(VENV) cybertrack.db build *.egg-info
