"""Every limit on what barnetmodel reads and does, in one place: each keeps a hostile or mistaken input
cheap to refuse, and a run within the memory the documentation promises (1 GiB). Real scenarios are far
inside every one (docs: "Bad input never gets through")."""

from __future__ import annotations

# A scenario or test file. A real scenario has a few hundred values in 10 kB. PyYAML is pure Python: it
# scans about 1 MB a second and composes a value in about 25 µs and 0.7 kB, so each limit is reached within
# about a second.
MAX_FILE_BYTES = 1024 * 1024
MAX_VALUES = 50_000  # in one file, aliases expanded; and in all the files of an `extends` chain together
MAX_DEPTH = 64  # levels of nesting
MAX_CHAIN = 16  # files in an `extends` chain, the first included

# Monte Carlo draws, from the file or the command line. Each figure with a distribution (an option's cost,
# a saving, a target's saving) keeps 8 bytes a draw for exact percentiles; DRAW_MEMORY is what those may
# take, beside about 130 MiB for the rest. The published scenarios keep 7 figures: 10,000,000 draws take
# about 700 MiB at their peak. A scenario with more options and targets is allowed fewer draws.
MAX_DRAWS = 10_000_000
DRAW_MEMORY = 640 * 1024 * 1024
FIGURE_BYTES = 8

# The largest figure a result may hold: far below where 64-bit numbers overflow (1.8e308), so that sums,
# differences, a chart's axis and a tornado's span stay finite.
LARGEST_FIGURE = 1e300

# The size of a scenario. Sensitivity analysis moves every input alone, in batches of rows whose memory
# CELLS (analysis/sensitivity.py) bounds, so its memory grows with the inputs, not their square; these limits,
# far above real scenarios (tens of lines), keep a sensitivity or a report within 1 GiB and a minute or so.
MAX_LINES = 2_000  # lines in one option
MAX_RISKS = 1_000  # risks in one option
MAX_RAMP_STEPS = 200  # steps in one ramp: as many as the longest horizon has years

# A run without draws of a scenario with switches (a provider failing in some year, or never) projects every
# combination of the years its switches can happen in, each a row of every flow: combinations x flows x years
# values. Real scenarios have one or two switches (a few dozen combinations); this keeps the central run, and
# each row of a sensitivity analysis, within a few hundred MiB, where five switches over twenty years would
# make four million combinations.
MAX_SWITCH_VALUES = 1 << 22
