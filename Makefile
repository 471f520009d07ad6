# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
EXTRAS ?= test,xarray,dask,sensitivity,web,browser-test,docs,ema,calibrate,tails,notebook,axelrod,mesa
comma := ,
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: demo test bench lint clean setup browser docs

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]"
	$(VENV)/bin/regimes compile
	touch $(STAMP)

# The browser test drives Debian's Chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser test"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

# The report links to the documentation site once `make docs` has built it (the
# site computes every result it shows, about a minute), else to the docs sources.
demo: $(STAMP)
	$(VENV)/bin/regimes demo --out results/demo

test: $(STAMP) browser
	$(PY) -m pytest -q

# The documentation site (MkDocs Material): site/index.html.  Examples run at build time.
docs: $(STAMP)
	$(VENV)/bin/mkdocs build --strict --site-dir site
	@echo "docs: $$(pwd)/site/index.html"

bench: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) benchmarks/bench_tournament.py
	$(PY) benchmarks/bench_tournament.py --noise 0.05
	$(PY) benchmarks/bench_peers.py
	$(PY) benchmarks/bench_system.py
	$(PY) benchmarks/bench_system.py --cold
	$(PY) benchmarks/bench_system.py --state-system
	$(PY) benchmarks/bench_roofline.py
	$(PY) benchmarks/bench_sweep.py
	$(PY) benchmarks/bench_sweep.py --design-points

lint: $(STAMP)
	$(PY) -m pip install --quiet ruff && $(VENV)/bin/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) results .pytest_cache site
