"""The scenario file format: YAML read safely (`yaml_source`), `extends` and `--set` applied, validated
into pydantic models (`models`, `numbers`, `distributions`) and checked across fields (`checks`), every
problem located at file:line:col (`load`); where each number lives (`paths`); the JSON Schema.

The bottom layer but for `errors` and `data`: it imports neither `engine` nor anything above it.
"""
