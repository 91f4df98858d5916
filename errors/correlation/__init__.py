"""Correlation: the Loki lines around an error, its trace, and the way back from both.

Views here are thin; each calls one function of this package and renders its result.
"""
