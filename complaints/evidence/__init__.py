"""The evidence files of the cases against the records of the letters they were in (compare)."""
