"""Synthetic photos with known ground truth, for the accuracy tests and the benchmark.

Kept out of the production package: nothing at run time needs to draw fake photos.
"""

from bench.synthetic.paper import Dots, Truth, make_photo, place_dots

__all__ = ["Dots", "Truth", "make_photo", "place_dots"]
