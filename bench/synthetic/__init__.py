"""Synthetic photos with known ground truth, for the accuracy tests and the benchmark.

Kept out of the production package: nothing at run time needs to draw fake photos.
"""

from bench.synthetic.layout import LAYOUTS, Dots, DotTruth, Layout, place_dots
from bench.synthetic.paper import Truth, make_photo
from bench.synthetic.phone import Shot
from bench.synthetic.scalp import ScalpTruth, make_scalp_photo

__all__ = [
    "LAYOUTS",
    "DotTruth",
    "Dots",
    "Layout",
    "ScalpTruth",
    "Shot",
    "Truth",
    "make_photo",
    "make_scalp_photo",
    "place_dots",
]
