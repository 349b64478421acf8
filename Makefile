# The two entry points: `make demo` shows Qila deciding real requests; `make test` runs every
# test and installs what it needs by itself.

CARGO ?= cargo
QILA := target/debug/qila

.PHONY: demo test lint bench fmt

demo:
	$(CARGO) build --quiet -p qila-cli
	$(QILA) inspect --format table < examples/demo/requests.jsonl

test: lint
	$(CARGO) test --workspace --all-features

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --all-features --quiet

bench:
	$(CARGO) bench -p qila-benches

fmt:
	$(CARGO) fmt --all
