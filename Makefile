# Set-up and the two everyday commands: `make build` and `make test`.
# Both install whatever is missing (Debian packages when run as root, the
# virtualenv, the package) and are quick when everything is already there.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
DEB_PKGS := fonts-noto-cjk libharfbuzz-subset0 poppler-utils
SYS_STAMP := $(VENV)/.system-packages
PY_STAMP  := $(VENV)/.installed

.PHONY: all setup build test bench clean lint

all: build

setup: $(SYS_STAMP) $(PY_STAMP)

# Debian fonts and libraries: WeasyPrint needs the CJK faces and HarfBuzz's
# subsetter (without it font subsetting falls back to a much slower path);
# poppler-utils gives the tests pdftotext/pdffonts/pdftoppm.
$(SYS_STAMP):
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "missing Debian packages:$$missing (run 'sudo apt-get install$$missing')" >&2; exit 1; \
	  fi; \
	fi
	@mkdir -p $(VENV) && touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

build: setup
	$(BIN)/docpub build .

test: setup
	$(BIN)/python -m pytest

bench: setup
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf build

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
