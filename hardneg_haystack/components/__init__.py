"""Haystack components: thin shells over the library's core."""
