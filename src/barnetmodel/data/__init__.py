"""Published reference data, as YAML files with their source and date (Green Book discount schedules,
optimism-bias categories), and `reference`, which reads them.

A new vintage of the data is a change to a file here, not to code. Imports nothing of barnetmodel.
"""
