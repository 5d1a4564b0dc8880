"""Methods and lineage: takes resolved papers and curated records, gives the methods (curated and derived from
names), their extends/compares edges (curated and by rule, checked acyclic and back in time), the SKOS schemes,
and the categories that list sections imply."""
