# Haina: `make run` to start everything, `make test` for the whole suite, `make bench` to measure.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/lock.txt pyproject.toml | sha1sum | cut -c1-12)
WEBCHAT := connectors/web/static/vendor/webchat.js
export TF_CPP_MIN_LOG_LEVEL := 2
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help setup web train run test test-fast bench bench-nlu lock clean

help:
	@echo "make run    set up if needed, train if the data changed, start everything on localhost"
	@echo "make test   the whole test suite"
	@echo "make bench  benchmarks, written to bench/results.md"

setup: $(STAMP) $(WEBCHAT)

$(STAMP): requirements/lock.txt pyproject.toml
	@PY=$$(scripts/find-python.sh) || { \
	  echo "Haina needs Python 3.10 (Rasa 3.6 supports 3.8-3.10). Install it, e.g. 'pyenv install 3.10'"; \
	  echo "or your system's python3.10 package, and run make again."; exit 1; }; \
	echo "Creating $(VENV) with $$PY"; \
	rm -rf $(VENV) && $$PY -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "pip==24.0" "setuptools==70.3.0" "wheel==0.45.1"
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

web: $(WEBCHAT)

$(WEBCHAT): connectors/web/package-lock.json
	cd connectors/web && npm ci --no-audit --no-fund --loglevel=error
	@# The widget's CSS imports a font from Google's CDN: drop it, the page serves everything itself.
	mkdir -p $(dir $@) && sed -e 's#@import url(https://fonts.googleapis.com/[^)]*);##g' \
	  connectors/web/node_modules/rasa-webchat/lib/index.js > $@
	cp connectors/web/node_modules/chart.js/dist/chart.umd.min.js $(dir $@)chart.umd.min.js  # staff console charts

train: setup
	$(BIN)/haina train

run: setup
	$(BIN)/haina run

test: setup
	scripts/ensure-chromium.sh
	$(BIN)/python -m pytest -p no:cacheprovider

test-fast: setup
	$(BIN)/python -m pytest -p no:cacheprovider -m "not e2e and not browser and not slow"

bench: setup
	$(BIN)/python -m bench

bench-nlu: setup
	$(BIN)/python -m bench nlu

lock: setup
	$(BIN)/pip freeze --exclude-editable | sort -f > requirements/lock.txt

clean:
	rm -rf $(VENV) models connectors/web/node_modules connectors/web/static/vendor
