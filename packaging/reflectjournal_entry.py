"""PyInstaller entry script: the same launcher as the `reflectjournal` console script."""

import multiprocessing
import sys

from reflectjournal.launcher import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
