"""The file to give ``spark-submit``: ``spark-submit [options] …/sitrep/scale/submit.py INPUT…
OUTPUT`` (``python -m sitrep.scale.spark --help`` lists the options after the file). It is
run as a script, so it imports the installed package by its absolute name."""

import sys

from sitrep.scale.spark import main

if __name__ == "__main__":
    sys.exit(main())
