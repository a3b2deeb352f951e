"""Rich text from outside: seconds to read 1 MB of markup that made html.parser quadratic.

Issue 17 (finding 10): 1 MB of ``<!--`` in a narrative took 302 s to import, while the
import held the file's write lock. ``richtext.sanitise`` (an import's path) and
``richtext.clean`` (a paste's path) now read HTML in one pass; this prints the time for
1 MB of each adversarial pattern and of two ordinary ones, so a regression shows as a
number. Run: ``.venv/bin/python benchmarks/markup.py [--size BYTES]``.
"""

from __future__ import annotations

import argparse
import time

from ragdesk import richtext

PATTERNS = ["<", "<!", "</", "<!--", "<a ", '<p a="', "<x", "&#", "<br>", "<span>x", "<p>",
            "<p>Ordinary narrative text with <b>bold</b> &amp; a link.</p>"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="characters per pattern")
    args = parser.parse_args()
    print(f"{'pattern':<24} {'sanitise s':>10} {'clean s':>10}")
    for pattern in PATTERNS:
        text = pattern * (args.size // len(pattern))
        timings = []
        for reader in (richtext.sanitise, richtext.clean):
            start = time.perf_counter()
            reader(text)
            timings.append(time.perf_counter() - start)
        print(f"{pattern[:22]!r:<24} {timings[0]:>10.3f} {timings[1]:>10.3f}")


if __name__ == "__main__":
    main()
