"""The RDF graph: takes the parsed records, resolved papers, methods, edges and conflicts, gives the dataset (each
triple in the named graph it came from) and validates it against ontology/shapes.ttl (pyshacl or compiled)."""
