"""The filter of the keys an import let go: never a key added missing, few others found."""

from hypothesis import given
from hypothesis import strategies as st

from handlers.importing.key_filter import KeyFilter


@given(st.sets(st.text(max_size=30), max_size=200))
def test_every_key_added_is_found(keys):
    let_go = KeyFilter(bits=1 << 10)  # small: crowded, many false "maybe"s, still none missed
    for key in keys:
        let_go.add(key)

    assert all(key in let_go for key in keys)


def test_keys_never_added_are_mostly_not_found():
    let_go = KeyFilter(bits=1 << 16)
    for number in range(1_000):
        let_go.add(f"n:S536|J525-{number}")

    found = sum(f"o:acme|S536-{number}" in let_go for number in range(10_000))

    assert found < 100  # about (1,000 x 2 / 65,536)² of them: 0.1%
