"""Running the per-document pipeline over large corpora with the same results as one process.

* ``workers``: one machine, all cores: worker processes run a stage's per-document work in
  batches, and the calling process, the one writer, stores their results in input order.
* Beyond one machine, a Spark job runs the same per-document pipeline (``sitrep.scale.spark``).
"""
