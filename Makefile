# The two set-up commands of the README:
#   pip install -e . && stratagraph demo     (the main job, on the embedded store)
#   make test                                (the whole suite; starts Neo4j by itself)
PYTHON ?= python3

.PHONY: install test lint bench

# the explorer's browser test drives Debian's chromium; Playwright never downloads one
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

install:
	$(PYTHON) -m pip install -q -e '.[test]'
	@test -x /usr/bin/chromium || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

test: install
	$(PYTHON) -m ruff check stratagraph tests benchmarks
	$(PYTHON) -m mypy
	$(PYTHON) -m pytest

lint: install
	$(PYTHON) -m ruff check stratagraph tests benchmarks
	$(PYTHON) -m ruff format --check stratagraph tests benchmarks
	$(PYTHON) -m mypy

bench: install
	$(PYTHON) benchmarks/ingest.py
