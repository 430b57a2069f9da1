# hechi-nzc developer / CI entry points.  Run `make` (or `make help`) for the list.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOTSTRAP ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

DEMO_PASSWORD ?= hechi-demo-2024

# Debian packages needed at runtime (gettext for translations, CJK fonts + pango for
# WeasyPrint PDFs, poppler-utils for PDF inspection) and, for tests, Chromium
# (browser tests drive /usr/bin/chromium through Playwright).
SYSDEPS      := gettext fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
SYSDEPS_TEST := $(SYSDEPS) chromium

# $(call ensure_debs,<packages>): install the missing ones when root (one apt-get
# update), otherwise only warn and carry on.
define ensure_debs
	@missing=""; \
	if ! command -v dpkg >/dev/null 2>&1; then \
	  echo "WARNING: dpkg not found (not Debian?); make sure these are installed: $(1)" >&2; \
	  exit 0; \
	fi; \
	for p in $(1); do \
	  dpkg -s "$$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then \
	  echo "System packages OK: $(strip $(1))"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing missing system packages:$$missing"; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	else \
	  echo "WARNING: missing Debian packages:$$missing" >&2; \
	  echo "WARNING: not running as root, so not installing them; run:" >&2; \
	  echo "WARNING:   sudo apt-get install -y$$missing" >&2; \
	  echo "WARNING: continuing anyway (PDF, translation or browser features may fail)." >&2; \
	fi
endef

.PHONY: help sysdeps sysdeps-test venv run test messages lint bench

help: ## List the targets
	@echo "hechi-nzc make targets:"
	@echo "  sysdeps       install missing Debian runtime packages (root only; warns otherwise)"
	@echo "  sysdeps-test  same as sysdeps, plus chromium for the browser tests"
	@echo "  venv          create $(VENV) and pip install -r requirements.txt (redone when it changes)"
	@echo "  run           migrate, seed demo data, then runserver on http://127.0.0.1:8000/"
	@echo "  test          check the import contracts (lint-imports), then the test suite (pytest -n 2)"
	@echo "  messages      makemessages (zh_Hans, en) + compilemessages"
	@echo "  lint          ruff check ."
	@echo "  bench         time the list pages with many projects (bench/list_pages.py)"

sysdeps:
	$(call ensure_debs,$(SYSDEPS))

sysdeps-test:
	$(call ensure_debs,$(SYSDEPS_TEST))

venv: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(PY) || { echo "Creating $(VENV)"; $(PYTHON_BOOTSTRAP) -m venv $(VENV); }
	$(PY) -m pip install -r requirements.txt
	@touch $@

# DATABASE_URL / REDIS_URL are neither set nor cleared here: without them the settings
# fall back to SQLite + eager Celery; whatever the user exported is passed through.
run: sysdeps venv
	$(PY) manage.py migrate --noinput
	DEMO_PASSWORD='$(DEMO_PASSWORD)' $(PY) manage.py seed_demo
	@echo
	@echo "=================================================================="
	@echo " Demo site: http://127.0.0.1:8000/"
	@echo " Demo logins: the demo accounts created by seed_demo (listed above)"
	@echo " Password for every demo account: $(DEMO_PASSWORD)"
	@echo " (set DEMO_PASSWORD to change it)"
	@echo "=================================================================="
	@echo
	$(PY) manage.py runserver 127.0.0.1:8000

# Note: make itself exits with status 2 whenever a recipe fails; pytest's own exit
# code is printed on the last line.
test: sysdeps-test venv
	@rc=0; \
	$(VENV)/bin/lint-imports || rc=$$?; \
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -n 2 -p no:cacheprovider || rc=$$?; \
	echo "pytest exit code: $$rc"; \
	exit $$rc

# Source strings are Simplified Chinese: the zh_Hans catalog is their identity copy
# (msgen), the en catalog holds the English translations.
# (zh_Hans is made afresh each time, so gettext's fuzzy matching never guesses in it.)
messages: sysdeps venv
	rm -f locale/zh_Hans/LC_MESSAGES/django.po
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles
	msgen --no-wrap -o locale/zh_Hans/LC_MESSAGES/django.po locale/zh_Hans/LC_MESSAGES/django.po
	sed -i '0,/^#, fuzzy$$/{/^#, fuzzy$$/d}' locale/zh_Hans/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages --ignore=.venv
	@msgattrib --untranslated locale/en/LC_MESSAGES/django.po | grep -c '^msgid' | xargs -I{} echo "en: {} entries (with the header) still to translate"

lint: venv
	$(VENV)/bin/ruff check .

bench: venv
	$(PY) bench/list_pages.py 300
