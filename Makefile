# Mission Driven Bureaucrats: the companion.
#   make            build every format into _build/ (the site, with the PDFs and the ePub in it)
#   make check      the checks a profile edit can break, in well under a minute
#   make test       build and check everything (see README.md)
# Every target sets itself up: the first run creates .venv with the pinned dependencies.

# Sources are never made by a rule: without make's built-in rules it does not look for a way to
# make each of the thousand files it checks (0.3 s of a build with nothing to do, at 1,000 profiles).
MAKEFLAGS   += --no-builtin-rules
.SUFFIXES:

PYTHON      ?= python3
BUILDDIR    ?= _build
VENV        := .venv
BIN         := $(VENV)/bin
# A warning fails the build; -n reports every broken reference.
SPHINXOPTS  ?= -W --keep-going -n -q
# Sphinx's output folders and environments, reused from one build to the next.
WORK        := $(BUILDDIR)/work
# The published site, with the PDFs and the ePub in its downloads/ folder. It is replaced only
# when every format has built, so a failed or interrupted build never leaves half a site.
SITE        := $(BUILDDIR)/html
# One environment serves every format: the first build reads the sources, the others write from it.
SPHINXBUILD = $(BIN)/sphinx-build $(SPHINXOPTS) -j auto -d $(WORK)/doctrees
# ...so the formats build one after another (Sphinx runs its own work in parallel).
.NOTPARALLEL:

# Dates in the outputs come from the last commit, so two builds of a commit are identical.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 315532800)

# Everything a build reads: a change to any of them rebuilds; nothing changed, nothing runs. The
# pictures too (a replaced portrait is published); not docs/img/, the README's.
SOURCES := $(shell find . \( -path ./$(BUILDDIR) -o -path ./$(VENV) -o -path ./tests -o -path ./.git -o -path ./node_modules -o -path ./docs/img \) -prune \
             -o -type f \( -name '*.md' -o -name '*.py' -o -name '*.yaml' -o -name '*.css' -o -name '*.js' \
             -o -name '*.html' -o -name '*.jinja' -o -name '*.toml' -o -name '*.ttf' -o -name '*.otf' \
             -o -name '*.png' -o -name '*.jpg' -o -name '*.jpeg' -o -name '*.gif' -o -name '*.webp' -o -name '*.svg' \) -print)
SETUP   := $(VENV)/.installed

.PHONY: all html pdf epub serve check test bench profile clean lock audit linkcheck check-system check-test-system

all: html

# A stamp per format (outside its output folder, which the ePub builder would pack) records
# when that format was last built from the sources.
STAMP := $(WORK)/.stamps

html: $(STAMP)/published
pdf: $(STAMP)/pdf
epub: $(STAMP)/epub

# Sphinx reads in parallel by forking workers that each send the whole environment back: at 1,000
# profiles that costs 3 to 5 s however few pages are read. When profile pages alone changed since
# the site was last built ($?, five at most), the few pages that show them are read and written
# in one process.
FEW_PROFILES = $(and $?,$(if $(word 6,$?),,$(if $(filter-out profiles/%,$?),,1)))

$(STAMP)/html: $(SOURCES) | $(SETUP)
	$(SPHINXBUILD) $(if $(FEW_PROFILES),-j 1) -b html . $(WORK)/html
	@mkdir -p $(@D) && touch $@

$(STAMP)/pdf: $(SOURCES) | $(SETUP)
	$(SPHINXBUILD) -b pdf . $(WORK)/pdf
	@mkdir -p $(@D) && touch $@

$(STAMP)/epub: $(SOURCES) | $(SETUP)
	$(SPHINXBUILD) -b epub . $(WORK)/epub
	@mkdir -p $(@D) && touch $@

# Publish: a complete copy of the site with the PDFs and the ePub where its pages link them
# (_ext/locations.py says where), swapped in by renaming.
$(STAMP)/published: $(STAMP)/html $(STAMP)/pdf $(STAMP)/epub
	rm -rf $(SITE).new $(SITE).old && cp -a $(WORK)/html $(SITE).new
	$(BIN)/python _ext/locations.py publish $(WORK) $(SITE).new
	if [ -d $(SITE) ]; then mv $(SITE) $(SITE).old; fi; mv $(SITE).new $(SITE) && rm -rf $(SITE).old
	@touch $@

# Live preview at http://127.0.0.1:8000 (PORT=... for another): a warm Sphinx rebuilds the page
# you save and the browser reloads it (tools/preview.py). It runs until Ctrl+C.
PORT ?= 8000
serve: | $(SETUP)
	$(BIN)/python tools/preview.py --out $(WORK)/serve --port $(PORT)

# A new profile from the template: make profile NAME="Jane Doe" [SLUG=jane-doe]
profile: | $(SETUP)
	@$(BIN)/python tools/new_profile.py "$(NAME)" $(if $(SLUG),--slug "$(SLUG)")

# The checks a profile edit can break, in well under a minute (tools/check.py): the site and the
# ePub as `make` builds them (every page's front matter and Markdown checked, warnings as errors),
# then the profiles' own PDFs (not the companion's), and each profile's page in the three formats.
# PROFILES="slug ..." names the profiles; by default, those changed since the last commit.
check: $(STAMP)/html $(STAMP)/epub | $(SETUP)
	$(BIN)/python tools/check.py --work $(WORK) --sphinx-build $(BIN)/sphinx-build --options "$(SPHINXOPTS)" $(PROFILES)

# Every check. What it needs from the system is checked first (check-test-system, below).
test: check-test-system | $(SETUP)
	CHROME_PATH="$$($(FIND_CHROMIUM))" $(BIN)/python -m pytest tests

# Speed and size at 10, 100 and 1,000 profiles; fewer with make bench SIZES="10 100"; the live
# preview alone with ONLY=preview, the search alone with ONLY=search.
SIZES ?= 10 100 1000
bench: | $(SETUP)
	SIZES="$(SIZES)" ONLY="$(ONLY)" $(BIN)/python tests/benchmark.py

clean:
	rm -rf $(BUILDDIR)

# External links (needs the network, so it is not part of `make test`); settings in conf.py.
linkcheck: | $(SETUP)
	$(BIN)/sphinx-build -q -b linkcheck -d $(WORK)/doctrees . $(WORK)/linkcheck

# Known vulnerabilities in the pinned dependencies (needs the network).
audit: | $(SETUP)
	$(BIN)/pip install -q pip-audit
	$(BIN)/pip-audit --strict -r requirements.txt

# Recompile the pinned requirements after editing requirements.in (needs the package index).
lock: | $(SETUP)
	$(BIN)/pip install -q pip-tools
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links -o requirements.txt requirements.in

# -- Set-up ---------------------------------------------------------------------------------------

# (The system is checked only while setting up, so a build with nothing to do starts nothing.)
# UPGRADE="sphinx docutils ..." then takes the newest release of those (the GitHub job that tries
# the pins' successors: make test PYTHON=python3.13 UPGRADE="...").
$(SETUP): requirements.txt
	@$(MAKE) --no-print-directory check-system
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r requirements.txt
	$(if $(UPGRADE),$(BIN)/pip install -q --upgrade $(UPGRADE))
	@touch $@

# What `make` needs from the system, each with the line that installs it.
check-system:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
	  { echo "make: Python 3.11 or newer is needed as '$(PYTHON)'. Install it (Debian/Ubuntu: sudo apt-get install python3 python3-venv) or run make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || \
	  { echo "make: Python's venv module is missing. Install it: sudo apt-get install python3-venv"; exit 1; }
	@$(PYTHON) -c 'import ctypes.util, sys; sys.exit(not ctypes.util.find_library("pango-1.0"))' || \
	  { echo "make: the Pango library (for the PDFs) is missing. Install it: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 (macOS: brew install pango)"; exit 1; }

# The Chromium the browser tests drive: CHROME_PATH if set, else Debian's, else the first on PATH,
# else the macOS application.
FIND_CHROMIUM = for c in "$$CHROME_PATH" /usr/bin/chromium "$$(command -v chromium)" /Applications/Chromium.app/Contents/MacOS/Chromium; \
  do if [ -n "$$c" ] && [ -x "$$c" ]; then echo "$$c"; break; fi; done

# What `make test` needs besides, checked before any test runs, with the one line that installs
# it all: Java (EPUBCheck, the Nu Html Checker), Chromium (the browser tests), Node.js with npm
# (axe-core, DAISY Ace) and Poppler's pdfinfo and pdftoppm (the PDFs' tags and pictures).
check-test-system:
	@missing=""; \
	java -version >/dev/null 2>&1 || missing="$$missing Java,"; \
	[ -n "$$($(FIND_CHROMIUM))" ] || missing="$$missing Chromium,"; \
	{ command -v node && command -v npm; } >/dev/null 2>&1 || missing="$$missing Node.js with npm,"; \
	{ command -v pdfinfo && command -v pdftoppm; } >/dev/null 2>&1 || missing="$$missing Poppler (pdfinfo, pdftoppm),"; \
	[ -z "$$missing" ] || { echo "make test: missing:$${missing%,}. Install them all: sudo apt-get install default-jre-headless chromium nodejs npm poppler-utils (macOS: brew install node poppler && brew install --cask temurin chromium)"; exit 1; }

# -- Browser checks (tests/test_browser.py) and the Lighthouse benchmark -----------------------------

# axe-core, the Nu Html Checker, DAISY Ace and Lighthouse, as package-lock.json pins them. Ace's
# packages would download a browser of their own (Electron's, Puppeteer's Chrome): the checks use
# the system's Chromium instead.
node_modules/.installed: export ELECTRON_SKIP_BINARY_DOWNLOAD = 1
node_modules/.installed: export PUPPETEER_SKIP_DOWNLOAD = 1
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# The browser checks run the npm tools.
test: node_modules/.installed

# Lighthouse's four scores for the landing page, the gallery and a profile (a benchmark, not a test).
lighthouse: html node_modules/.installed | $(SETUP)
	$(BIN)/python tests/lighthouse.py $(SITE)

.PHONY: lighthouse

# -- Hosting: the site's address, and the site for any static host (README.md, "Publishing") -------

# The site and the PDFs carry the site's public address (conf.py reads it from the environment:
# READTHEDOCS_CANONICAL_URL, else SITE_URL), so building for another address rebuilds them. This
# stamp records the address and is rewritten only when it changes.
ADDRESS := $(STAMP)/address
$(ADDRESS): FORCE
	@mkdir -p $(@D)
	@printf '%s\n' "$$READTHEDOCS_CANONICAL_URL" "$$SITE_URL" > $@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

# The formats that print the address depend on it (the ePub does not).
$(STAMP)/pdf $(STAMP)/html: $(ADDRESS)

# The site as one folder for any static file server, and a reproducible .tar.gz of it (GNU tar:
# on macOS, make TAR=gtar), without what is not for readers: Sphinx's .buildinfo (build state) and
# the folders left empty (_sources/). Build it for the address it will be served at, so that its
# canonical links, sitemap and 404 page are right: SITE_URL=https://example.org/companion/ make dist
TAR  ?= tar
DIST := $(BUILDDIR)/dist/mission-driven-bureaucrats-companion
dist: html
	rm -rf $(DIST) $(DIST).tar $(DIST).tar.gz
	mkdir -p $(DIST) && cp -a $(SITE)/. $(DIST)/
	find $(DIST) \( -name '.*' -type f -o -type d -empty \) -delete
	$(TAR) --sort=name --mtime=@$(SOURCE_DATE_EPOCH) --owner=0 --group=0 --numeric-owner \
	  --mode=u+rwX,go+rX,go-w --format=gnu -C $(dir $(DIST)) -cf $(DIST).tar $(notdir $(DIST))
	gzip -9 -n $(DIST).tar

.PHONY: dist FORCE

# -- Contributing from the browser (contribute.md; README.md, "Contributing from the browser") ------

# A profile page from the body of a "Propose a profile" issue: make profile-from-issue ISSUE=body.md
# [SLUG=...], or the body on standard input: gh issue view 42 --json body --jq .body | make profile-from-issue
profile-from-issue: | $(SETUP)
	@$(BIN)/python tools/issue_form.py $(if $(ISSUE),"$(ISSUE)") $(if $(SLUG),--slug "$(SLUG)")

# The files GitHub reads, written from the project's data: CITATION.cff, the issue form and its
# chooser (tests/test_contribute.py checks that the committed ones are these).
repo-files: | $(SETUP)
	$(BIN)/python tools/repo_files.py

.PHONY: profile-from-issue repo-files
