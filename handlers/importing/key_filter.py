"""A set of strings that answers "maybe" for a few it was never given (a Bloom filter): the keys
an import let go of, in a few megabytes however many they are."""

# Two probes of one 64-bit hash, in 2**26 bits (8 MiB): with the 4.7 million keys a
# 1,000,000-row file files, about 2% of the keys never let go are taken for let go, and read
# from the store for nothing; none let go is ever missed.
BITS = 1 << 26
_WORD = (1 << 64) - 1


class KeyFilter:
    """Strings added, and a few others; never a string added missing. Hashes are this process's
    own (str hashes are salted per process): the filter is not for passing around."""

    def __init__(self, bits: int = BITS) -> None:
        assert bits & (bits - 1) == 0 and bits >= 8, "a power of two, in whole bytes"
        self._bits = bytearray(bits >> 3)
        self._mask = bits - 1
        self._shift = bits.bit_length() - 1

    def add(self, key: str) -> None:
        bits = self._bits
        for spot in self._spots(key):
            bits[spot >> 3] |= 1 << (spot & 7)

    def __contains__(self, key: str) -> bool:
        bits = self._bits
        return all(bits[spot >> 3] >> (spot & 7) & 1 for spot in self._spots(key))

    def _spots(self, key: str) -> tuple[int, int]:
        """Two places for the key, from two separate runs of bits of its hash."""
        hashed = hash(key) & _WORD
        return hashed & self._mask, (hashed >> self._shift) & self._mask
