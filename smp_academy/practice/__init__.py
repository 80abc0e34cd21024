"""Practice exercises, photo uploads and their automatic analysis."""
