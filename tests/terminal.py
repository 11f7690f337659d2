"""A pseudo-terminal for tests of output that is drawn only on a terminal."""

from __future__ import annotations

import os
import threading
import tty


class Terminal:
    """A text stream that is a terminal (the slave side of a pseudo-terminal, raw mode so
    nothing is translated) and everything written to it."""

    def __init__(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        self.stream = open(slave, "w", encoding="utf-8")  # noqa: SIM115 (closed in output)
        self._master = master
        self._chunks: list[bytes] = []
        self._pump = threading.Thread(target=self._read, daemon=True)
        self._pump.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 4096)
            except OSError:  # EIO: the slave side was closed
                return
            if not data:
                return
            self._chunks.append(data)

    def output(self) -> str:
        """Closes the terminal; returns what was written to it."""
        if not self.stream.closed:
            self.stream.close()
            self._pump.join(5)
            os.close(self._master)
        return b"".join(self._chunks).decode()
