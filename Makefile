# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install demo serve test test-fast test-browser lint messages check-deploy bench bench-http bench-all bench-phone clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

install: $(VENV)/.installed
	$(BIN)/python manage.py compile_messages -v 0

demo: install
	PORT=$(PORT) $(BIN)/theodoi demo

serve: install
	PORT=$(PORT) $(BIN)/theodoi serve

# The whole suite: the fast tests on two processes, then the slow end-to-end ones
# (Chromium, and the crawl of the demo with bad input).
test: install
	$(BIN)/python -m pytest -n 2 -q
	$(BIN)/python -m pytest -n 2 -q -m "browser or crawl"

test-fast: install
	$(BIN)/python -m pytest -n 2 -q

test-browser: install
	$(BIN)/python -m pytest -m "browser or crawl" -q

lint: install
	$(BIN)/ruff check .

# Regenerate the translation catalogs after changing user-facing strings: one catalog
# per app (its own locale/) and the project's (theodoi/locale) for the rest. Then fill
# every Vietnamese msgstr (no fuzzy entries) and run `make install` to compile.
MAKEMESSAGES = THEODOI_DATA=$(CURDIR)/data $(CURDIR)/$(BIN)/django-admin makemessages -l vi -l en --no-obsolete --no-location \
	--settings theodoi.settings --pythonpath $(CURDIR)
messages: install
	cd theodoi && $(MAKEMESSAGES) -i "units/*" -i "plans/*" -i "reporting/*" \
		-i "tuyenvan/*" -i "demo/*" -i "documents/*" -i "portal/*" -i "surveys/*" \
		-i "thidua/*" -i "activities/*" -i "budgets/*" -i "directions/*" -i "register/*" \
		-i "home/*" -i "intake/*"
	cd theodoi/units && $(MAKEMESSAGES)
	cd theodoi/plans && $(MAKEMESSAGES)
	cd theodoi/reporting && $(MAKEMESSAGES)
	cd theodoi/tuyenvan && $(MAKEMESSAGES) -i "roster/*"
	cd theodoi/tuyenvan/roster && $(MAKEMESSAGES)
	cd theodoi/portal && $(MAKEMESSAGES)
	cd theodoi/surveys && $(MAKEMESSAGES)
	# begin importer
	cd theodoi/intake && $(MAKEMESSAGES)
	# end importer
	# begin thidua
	cd theodoi/thidua && $(MAKEMESSAGES)
	# end thidua
	# begin activities
	cd theodoi/activities && $(MAKEMESSAGES)
	# end activities
	# begin budgets
	cd theodoi/budgets && $(MAKEMESSAGES)
	cd theodoi/directions && $(MAKEMESSAGES)
	cd theodoi/register && $(MAKEMESSAGES)
	# end budgets
	# begin home
	cd theodoi/home && $(MAKEMESSAGES)
	# end home

check-deploy: install
	DEBUG=False SECRET_KEY=ci-only-dummy-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz \
		ALLOWED_HOSTS=theodoi.example.org THEODOI_DATA=$$(mktemp -d) \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# begin perf
# The real server under load beside the bare Django floor, both engines, ~12 minutes
# (README "Performance"; needs Debian's wrk for exact figures). bench-http is the same.
HTTP_BENCH = --only http --http-duration 10 --http-rounds 3
bench: install
	$(BIN)/python -m bench.run $(HTTP_BENCH) $(BENCH_ARGS)

bench-http: bench

# Every national-scale benchmark on PostgreSQL (bench/README.md); e.g. BENCH_ARGS="--only plans".
bench-all: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)
# end perf

# begin offline
# The commune's five pages on a 360 px phone over an emulated mountain link (needs Chromium).
bench-phone: install
	$(BIN)/python -m bench.bench_phone
# end offline

clean:
	rm -rf $(VENV) data/static
