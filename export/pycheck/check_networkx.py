"""Read a Dossier export with networkx and compare it with what the Go test expects.

Usage: check_networkx.py graphml|gexf|nodelink FILE EXPECTED.json [REWRITTEN.json]

With REWRITTEN.json, the graph networkx read is written back there as node-link JSON, for
the Go test to import.

EXPECTED.json: {"nodes": {id: {attr: value}}, "edges": {relationship id: {"source": id,
"target": id, attr: value}}}. Counts must match exactly; listed attributes must be equal.
"""

import json
import sys

import networkx as nx


def read(fmt, path):
    if fmt == "graphml":
        return nx.read_graphml(path, force_multigraph=True)
    if fmt == "gexf":
        return nx.read_gexf(path, version="1.3")
    if fmt == "nodelink":
        with open(path, encoding="utf-8") as f:
            return nx.node_link_graph(json.load(f), edges="edges")
    raise SystemExit(f"unknown format {fmt}")


def edges_by_id(fmt, g):
    """Map relationship id to (source, target, attributes)."""
    out = {}
    # read_gexf returns a simple DiGraph when no two edges share their ends.
    triples = g.edges(keys=True, data=True) if g.is_multigraph() else ((u, v, None, d) for u, v, d in g.edges(data=True))
    for u, v, key, data in triples:
        # GraphML and GEXF keep the edge id as the "id" attribute; node-link as the key.
        rid = data.get("id", key) if fmt != "nodelink" else key
        if rid in out:
            raise AssertionError(f"edge id {rid} appears twice")
        out[rid] = (u, v, data)
    return out


def main():
    fmt, path, expected_path = sys.argv[1:4]
    rewritten = sys.argv[4] if len(sys.argv) > 4 else None
    with open(expected_path, encoding="utf-8") as f:
        want = json.load(f)
    g = read(fmt, path)
    errors = []
    if not g.is_directed():
        errors.append("graph is not directed")
    if g.number_of_nodes() != len(want["nodes"]):
        errors.append(f"nodes: got {g.number_of_nodes()}, want {len(want['nodes'])}")
    if g.number_of_edges() != len(want["edges"]):
        errors.append(f"edges: got {g.number_of_edges()}, want {len(want['edges'])}")
    for node, attrs in want["nodes"].items():
        if node not in g:
            errors.append(f"node {node} missing")
            continue
        for k, v in attrs.items():
            got = g.nodes[node].get(k)
            if got != v:
                errors.append(f"node {node} {k}: got {got!r}, want {v!r}")
    got_edges = edges_by_id(fmt, g)
    for rid, attrs in want["edges"].items():
        if rid not in got_edges:
            errors.append(f"edge {rid} missing")
            continue
        u, v, data = got_edges[rid]
        if (u, v) != (attrs["source"], attrs["target"]):
            errors.append(f"edge {rid}: got {u}->{v}, want {attrs['source']}->{attrs['target']}")
        for k, val in attrs.items():
            if k in ("source", "target"):
                continue
            if data.get(k) != val:
                errors.append(f"edge {rid} {k}: got {data.get(k)!r}, want {val!r}")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(1)
    if rewritten:
        with open(rewritten, "w", encoding="utf-8") as f:
            json.dump(nx.node_link_data(g, edges="edges"), f)
    print(f"{fmt}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges ok")


if __name__ == "__main__":
    main()
