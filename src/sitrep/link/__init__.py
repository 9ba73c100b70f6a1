"""Links across documents: near-duplicates, derived-from and origins (issue 7).

* ``minhash``          clean text → normalised words → word shingles → MinHash signature and
                       LSH band keys (datasketch);
* ``near_duplicates``  candidate pairs from the band keys stored in SQLite, scored exactly
                       (Jaccard and containment both ways on their shingle sets);
* ``derived``          which document of a pair carries the other's text (containment,
                       publication order, cited outlets) and each document's **origin**: the
                       independent source it ultimately carries;
* ``stage``            the incremental stage ``sitrep analyze`` runs after the language
                       pipeline: new documents are compared with everything stored, without
                       recomputing old signatures.

Event merge and stories build on these links (``independent_sources`` = distinct origins).
"""
