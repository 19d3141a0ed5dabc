"""Published reference data, as YAML files with their source and date (Green Book discount schedules,
optimism-bias categories), and `reference`, which reads them.

A new vintage of the data is a change to a file here, not to code. Imports nothing of barnetmodel.
"""

from typing import Any


def read_shipped(text: str) -> Any:
    """A YAML file shipped in this folder, read with libyaml's loader when PyYAML has it (a tenth of the time of
    the Python one: 2.7 against 0.3 ms for the discount schedules, 26 against 4 ms for RPI), the Python one
    otherwise. Our own files, not a user's: the limits and positions scenario files need (scenario.yaml_source)
    are not wanted here, and both loaders read every shipped file alike (tests/data/test_read_shipped.py)."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
