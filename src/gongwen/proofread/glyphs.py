"""Shape-similar characters (因/困, 未/末, 己/已) for the proofreader's confusion sets, found by
rendering glyphs of a CJK font through FreeType (ctypes: no imaging package) and comparing
blurred bitmaps. Offline only: the model builder runs it once; the result ships in the model.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


DEFAULT_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
GLYPH_TOP = 10  # shape neighbours per character ...
GLYPH_MIN_SIM = 0.7  # ... with at least this cosine similarity of blurred 32 px renderings


def glyph_neighbours(chars: list[str], font: Path) -> dict[str, list[str]]:
    """Shape-similar characters (因/困, 未/末, 己/已): render each glyph with FreeType through
    ctypes (no imaging package needed) and compare blurred bitmaps. Empty if unavailable."""
    import ctypes as C
    import ctypes.util

    name = ctypes.util.find_library("freetype") or "libfreetype.so.6"
    try:
        lib = C.CDLL(name)
    except OSError:
        log("WARNING: FreeType not found: no glyph neighbours (shape errors such as 因/困 lost)")
        return {}
    if not font.exists():
        log(f"WARNING: {font} not found (Debian: fonts-noto-cjk): no glyph neighbours")
        return {}

    class Bitmap(C.Structure):
        _fields_ = [
            ("rows", C.c_uint),
            ("width", C.c_uint),
            ("pitch", C.c_int),
            ("buffer", C.POINTER(C.c_ubyte)),
            ("num_grays", C.c_ushort),
            ("pixel_mode", C.c_ubyte),
            ("palette_mode", C.c_ubyte),
            ("palette", C.c_void_p),
        ]

    class Slot(C.Structure):
        _fields_ = [
            ("library", C.c_void_p),
            ("face", C.c_void_p),
            ("next", C.c_void_p),
            ("glyph_index", C.c_uint),
            ("gdata", C.c_void_p),
            ("gfin", C.c_void_p),
            ("metrics", C.c_long * 8),
            ("lha", C.c_long),
            ("lva", C.c_long),
            ("adv", C.c_long * 2),
            ("format", C.c_uint),
            ("bitmap", Bitmap),
            ("bitmap_left", C.c_int),
            ("bitmap_top", C.c_int),
        ]

    class Face(C.Structure):
        _fields_ = [
            ("num_faces", C.c_long),
            ("face_index", C.c_long),
            ("face_flags", C.c_long),
            ("style_flags", C.c_long),
            ("num_glyphs", C.c_long),
            ("family_name", C.c_char_p),
            ("style_name", C.c_char_p),
            ("num_fixed_sizes", C.c_int),
            ("available_sizes", C.c_void_p),
            ("num_charmaps", C.c_int),
            ("charmaps", C.c_void_p),
            ("gdata", C.c_void_p),
            ("gfin", C.c_void_p),
            ("bbox", C.c_long * 4),
            ("upem", C.c_ushort),
            ("asc", C.c_short),
            ("desc", C.c_short),
            ("height", C.c_short),
            ("maw", C.c_short),
            ("mah", C.c_short),
            ("up", C.c_short),
            ("ut", C.c_short),
            ("glyph", C.POINTER(Slot)),
        ]

    libp = C.c_void_p()
    if lib.FT_Init_FreeType(C.byref(libp)):
        return {}
    face = C.POINTER(Face)()
    for index in range(16):  # the .ttc holds JP, KR, SC, ... faces: use the SC one
        if lib.FT_New_Face(libp, bytes(font), index, C.byref(face)):
            return {}
        if b" SC" in (face.contents.family_name or b""):
            break
    size = 32
    lib.FT_Set_Pixel_Sizes(face, 0, size)
    imgs: npt.NDArray[Any] = np.zeros((len(chars), size + 8, size + 8), dtype=np.float32)
    for i, ch in enumerate(chars):
        if lib.FT_Load_Char(face, ord(ch), 4):  # FT_LOAD_RENDER
            continue
        g = face.contents.glyph.contents
        b = g.bitmap
        if b.rows == 0 or b.width == 0:
            continue
        arr = np.ctypeslib.as_array(b.buffer, shape=(b.rows, abs(b.pitch)))[:, : b.width]
        top = min(max(0, size - g.bitmap_top), size + 8 - b.rows)
        left = min(max(0, g.bitmap_left + 2), size + 8 - b.width)
        imgs[i, top : top + b.rows, left : left + b.width] = arr / 255.0
    for ax in (1, 2):  # blur: tolerate one-pixel shifts of strokes
        imgs = (np.roll(imgs, 1, ax) + imgs + np.roll(imgs, -1, ax)) / 3
    v = imgs.reshape(len(chars), -1)
    v -= v.mean(axis=1, keepdims=True)
    v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-9
    sim = v @ v.T
    np.fill_diagonal(sim, -1.0)
    top_idx = np.argsort(-sim, axis=1)[:, :GLYPH_TOP]
    out: dict[str, list[str]] = {}
    for i, ch in enumerate(chars):
        out[ch] = [chars[j] for j in top_idx[i] if sim[i, j] >= GLYPH_MIN_SIM]
    return out
