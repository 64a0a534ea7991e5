"""``akrim survey analyse``: read, validate, analyse, write JSON (nothing on refusal)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from akrim.engines.surveys.responses import ResponsesRefused, read_responses
from akrim.engines.surveys.stats import analyse


def analyse_to_file(responses: Path, out: Path) -> int:
    """Exit 0 with the JSON written, or 1 with the reasons on stderr and nothing written."""
    try:
        read = read_responses(responses)
    except ResponsesRefused as refused:
        print(f"akrim survey analyse: {refused.message}", file=sys.stderr)
        for problem in refused.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    result = analyse(read.frame, read.questions, weighted=read.weighted)
    text = json.dumps(result.to_json(), indent=2, ensure_ascii=False, allow_nan=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Write beside and rename, so a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text + "\n")
    Path(temporary).replace(out)
    small = len(result.too_small_statements())
    print(
        f"analysed {len(read.questions)} question(s) from {result.responses} responses: {out}"
        + (f" ({small} too-small statement(s))" if small else "")
    )
    return 0
