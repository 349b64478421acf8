# The two entry points: `make demo` shows Qila deciding real requests; `make test` runs every
# test and installs what it needs by itself.

CARGO ?= cargo
QILA := target/debug/qila

.PHONY: demo test test-python lint bench fmt accuracy compare

demo:
	$(CARGO) build --quiet -p qila-cli
	$(QILA) inspect --format table < examples/demo/requests.jsonl

test: lint
	$(CARGO) test --workspace --all-features
	$(MAKE) test-python

# The Python package: builds the wheel, installs it into a fresh venv, starts PostgreSQL on
# loopback (apt-get install postgresql when missing), runs pytest and mypy.stubtest.
test-python:
	bash scripts/test-python.sh

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --all-features --quiet

bench:
	$(CARGO) bench -p qila-benches

fmt:
	$(CARGO) fmt --all

# Per-class screening accuracy on testdata/corpus, Qila beside libinjection on the same requests.
VENV_ACC := .venv-accuracy
accuracy:
	$(CARGO) build --quiet --release -p qila-cli
	test -x $(VENV_ACC)/bin/python || python3 -m venv $(VENV_ACC)
	$(VENV_ACC)/bin/python -c "import libinjection" 2>/dev/null || $(VENV_ACC)/bin/pip install --quiet libinjection-python
	$(VENV_ACC)/bin/python scripts/accuracy.py

# Qila's SQL injection check beside libinjection (libinjectionrs) on the same inputs.
compare:
	$(CARGO) bench -p qila-benches --bench screen -- "sqli vs libinjection"
	python3 scripts/compare.py
