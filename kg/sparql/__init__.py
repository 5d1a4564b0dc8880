"""SPARQL on top of the built graph: takes exports/qkg.trig, gives the library of research questions (queries/*.rq),
`qkg query`, `qkg lineage` and the `qkg serve` endpoint."""
