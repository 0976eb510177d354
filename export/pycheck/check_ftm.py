"""Validate a Dossier FollowTheMoney export with the followthemoney package.

Usage: check_ftm.py FILE EXPECTED.json

EXPECTED.json: {"schemata": {ftm id: schema name}} for every entity the file must hold.
Every line must be an entity whose schema exists and is not abstract, whose properties all
exist on the schema with lists of strings as values, which has its required properties,
whose typed values (dates, countries, URLs) clean, and whose entity references resolve to
entities in the file of the range's schema.
"""

import json
import sys

from followthemoney import model
from followthemoney.types import registry


def check_value(fid, prop, value, entities, errors):
    """Check one raw property value: typed values must clean, references must resolve."""
    if prop.type in (registry.date, registry.country, registry.url):
        if prop.type.clean(value) is None:
            errors.append(f"{fid}: {prop.name} value {value!r} is not a valid {prop.type.name}")
    if prop.type == registry.entity:
        target = entities.get(value)
        if target is None:
            errors.append(f"{fid}: {prop.name} refers to missing entity {value}")
        elif prop.range is not None and not target.schema.is_a(prop.range):
            errors.append(f"{fid}: {prop.name} wants a {prop.range.name}, {value} is a {target.schema.name}")


def main():
    path, expected_path = sys.argv[1:3]
    with open(expected_path, encoding="utf-8") as f:
        want = json.load(f)["schemata"]
    errors = []
    entities = {}
    raw = {}  # properties as written, before followthemoney cleans or drops any value
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            data = json.loads(line)
            where = f"line {line_no} ({data.get('id')})"
            schema = model.get(data.get("schema", ""))
            if schema is None or schema.abstract:
                errors.append(f"{where}: unknown or abstract schema {data.get('schema')!r}")
                continue
            for name, values in data.get("properties", {}).items():
                prop = schema.get(name)
                if prop is None:
                    errors.append(f"{where}: {schema.name} has no property {name!r}")
                elif not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    errors.append(f"{where}: {name} is not a list of strings")
            proxy = model.get_proxy(data, cleaned=False)
            if proxy.id in entities:
                errors.append(f"{where}: id {proxy.id} appears twice")
            entities[proxy.id] = proxy
            raw[proxy.id] = data["properties"]
            for name in schema.required:
                if not proxy.get(name):
                    errors.append(f"{where}: required property {name} is missing")
    for fid, properties in raw.items():
        schema = entities[fid].schema
        for name, values in properties.items():
            prop = schema.get(name)
            for value in values if prop is not None else []:
                check_value(fid, prop, value, entities, errors)
    for fid, schema_name in want.items():
        got = entities.get(fid)
        if got is None:
            errors.append(f"entity {fid} missing")
        elif got.schema.name != schema_name:
            errors.append(f"entity {fid}: schema {got.schema.name}, want {schema_name}")
    if len(entities) != len(want):
        errors.append(f"entities: got {len(entities)}, want {len(want)}")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(1)
    print(f"ftm: {len(entities)} entities ok")


if __name__ == "__main__":
    main()
