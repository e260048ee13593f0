"""Frame: the column arrays of one chunk of a table, as the generators hand them on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Frame:
    """Column arrays of one table chunk (all the same length)."""

    cols: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(next(iter(self.cols.values())))

    def take(self, idx: np.ndarray) -> Frame:
        return Frame({k: v[idx] for k, v in self.cols.items()})

    @staticmethod
    def concat(frames: list[Frame]) -> Frame:
        keys = frames[0].cols.keys()
        return Frame({k: np.concatenate([f.cols[k] for f in frames]) for k in keys})
