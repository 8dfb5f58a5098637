"""The CJK font printed cards and posters use; see LICENSE beside it."""
