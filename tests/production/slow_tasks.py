"""A pack task for the queue failure tests. It runs the real ``planner.tasks.generate_pack``;
on its first attempt it stops inside that code, at a chosen point, and waits there for the test
to kill the worker. Every attempt appends a line to ``attempts`` in ``marker_dir``: the
worker's pid and the time it started."""

import os
import sys
import time
from pathlib import Path

from planner import tasks
from planner.packs import pack
from planner.services import packs

STOP_POINTS = {
    # Drawing the PDF: where a pack spends its time, after the attempt was counted.
    "drawing": lambda event, frame, arg: event == "call" and frame.f_code is pack.render_pack.__code__,
    # The file is written to its temporary name and about to be renamed into place.
    "renaming": lambda event, frame, arg: (
        event == "c_call" and arg is os.replace and frame.f_code is packs.write_atomically.__code__
    ),
}


def generate_pack_stopping_once(pack_file_id: int, marker_dir: str, stop_at: str = "drawing") -> None:
    """``generate_pack``, whose first attempt stops at ``stop_at`` until it is killed."""
    folder = Path(marker_dir)
    with open(folder / "attempts", "a") as attempts:
        attempts.write(f"{os.getpid()} {time.time()}\n")
    first = len((folder / "attempts").read_text().splitlines()) == 1
    if first:
        sys.setprofile(stop_when(STOP_POINTS[stop_at], folder / "stopped"))
    try:
        tasks.generate_pack(pack_file_id)
    finally:
        sys.setprofile(None)


def stop_when(reached, marker: Path):
    def profile(frame, event, arg):
        if reached(event, frame, arg):
            marker.write_text(str(os.getpid()))
            time.sleep(3600)  # until the test kills this worker

    return profile
