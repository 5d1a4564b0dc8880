"""Curated knowledge: takes data/curated/*.yaml, gives typed, located records (methods, relations, papers, venues,
sections, technique uses), or a CuratedError naming the file, line, record and field."""
