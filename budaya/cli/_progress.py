"""A progress line on stderr for long commands (`--progress`, or by itself on a terminal).

Standard output keeps only what a command prints as its result (some write data there), so the
bar goes to stderr, and only when stderr is a terminal or the user asked with `--progress`. On a
terminal the line is redrawn in place; elsewhere (a log file) one line is written per second at
most, and the last one always.
"""

import sys
import time

WIDTH = 24


def add_option(parser) -> None:
    """Add `--progress` to a subcommand's parser."""
    parser.add_argument(
        "--progress",
        action="store_true",
        help=(
            "tampilkan kemajuan di stderr walau bukan terminal / show progress on stderr even "
            "when it is not a terminal"
        ),
    )


class TerminalProgress:
    """`label  [#######.........]  42 % (21/50) message` on stderr."""

    def __init__(self, label: str, total: int = 0, *, enabled: bool = False, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = self.tty or bool(enabled)  # `enabled`: the user's --progress
        self.label = label
        self.total = total
        self.done = 0
        self.message = ""
        self._last = 0.0
        self._drawn = False

    def line(self) -> str:
        """Return the progress line as it is drawn now."""
        if self.total:
            filled = min(WIDTH, WIDTH * self.done // self.total)
            percent = min(100, 100 * self.done // self.total)
            bar = f"[{'#' * filled}{'.' * (WIDTH - filled)}] {percent:3d} % ({self.done}/{self.total})"
        else:
            bar = f"({self.done})"
        return f"{self.label}  {bar} {self.message}".rstrip()

    def update(self, done: int, total: int | None = None, message: str = "") -> None:
        """Record `done` (of `total`) and redraw, at most every 0.1 s on a terminal and every
        second elsewhere, unless the work is complete."""
        self.done = done
        if total is not None:
            self.total = total
        self.message = message
        if not self.enabled:
            return
        now = time.monotonic()
        complete = bool(self.total) and self.done >= self.total
        if not complete and now - self._last < (0.1 if self.tty else 1.0):
            return
        self._last = now
        self._draw()

    def _draw(self) -> None:
        if self.tty:
            self.stream.write("\r" + self.line() + "\x1b[K")
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the line (on a terminal) so what follows starts on a fresh one."""
        if self.enabled and self._drawn and self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
