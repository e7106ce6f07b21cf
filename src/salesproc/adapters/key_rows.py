"""The keys an import has read so far, each with the row that gave it first, in little memory.

`import sales --key` must tell a key the file repeats with the row it repeats
(`key 'X' repeats row 4`), so every key read is kept until the last row. In a
dict a key costs ~110 bytes (its str, its int row, the entry): ~100 MiB for a
million keys. Here it costs ~40: its UTF-8 bytes in one arena, its hash, row
and end in arrays, and a slot in an open-addressing table. A hash that
matches is confirmed on the key's own bytes, so a repeat is exact, never a
guess.
"""

from array import array

#: the table starts with this many slots (a power of two) and doubles when half full
_FIRST_SIZE = 1 << 12


class KeyRows:
    """Each key read so far and the first row that gave it."""

    def __init__(self) -> None:
        self._mask = _FIRST_SIZE - 1
        #: per slot: 0 when empty, else the key's number + 1
        self._slots = array("i", bytes(4 * _FIRST_SIZE))
        #: per key, in the order read: its hash, its first row, where its bytes end
        self._hashes = array("q")
        self._rows = array("i")
        self._ends = array("i")
        self._text = bytearray()

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, key: str, row: int) -> int:
        """The row that gave `key` before (its first), else 0 after keeping it with `row`."""
        h = hash(key)
        slots, mask, hashes = self._slots, self._mask, self._hashes
        at = h & mask
        raw: bytes | None = None
        while taken := slots[at]:
            if hashes[taken - 1] == h:
                if raw is None:
                    raw = key.encode("utf-8", "surrogatepass")
                n = taken - 1
                if self._text[self._ends[n - 1] if n else 0 : self._ends[n]] == raw:
                    return self._rows[n]
            at = (at + 1) & mask
        if raw is None:
            raw = key.encode("utf-8", "surrogatepass")
        slots[at] = len(self._rows) + 1
        hashes.append(h)
        self._rows.append(row)
        self._text += raw
        self._ends.append(len(self._text))
        if 2 * len(self._rows) > mask:
            self._grow()
        return 0

    def _grow(self) -> None:
        """Twice the slots, every key placed again by its hash."""
        size = 2 * (self._mask + 1)
        mask = size - 1
        slots = array("i", bytes(4 * size))
        for n, h in enumerate(self._hashes, start=1):
            at = h & mask
            while slots[at]:
                at = (at + 1) & mask
            slots[at] = n
        self._slots, self._mask = slots, mask
